"""The market page's price history on a time axis with its ranges, and the lead's own open
orders drawn on the last round's curves, in real Chromium."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from market.models import Round
from tests import factories
from tests.browser.test_trading import sign_in
from tests.web.conftest import next_round
from tests.web.test_history import settled

CHARTED = (
    "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=history]'))"
)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DRAWN = """(kind) => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart=${kind}]`));
  return chart ? chart.data.datasets.map(d => [d.label, d.data.length]) : null;
}"""


def test_history_has_a_time_axis_and_ranges_and_my_orders_sit_on_the_curves(
    live_server, trading_floor, browser, shoot
):
    round_, buyer, seller = trading_floor
    market = round_.market
    for number, days, price, volume in [(1, 20, "1.80", 12), (2, 5, "2.10", 6), (3, 2, "2.30", 9)]:
        settled(market, 100 + number, price, volume, timedelta(days=days))
    Round.objects.filter(pk=round_.pk).update(number=200)  # the trading round comes after them
    factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    factories.bid(buyer, next_round(market), 4, "2.75")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, buyer)
    page.goto(live_server.url + reverse("market", args=[market.slug]))

    # the last week by default: three rounds on a time axis
    expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "true")
    expect(page.locator("canvas[data-chart=history]")).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=curves]'))"
    )
    assert page.evaluate(DRAWN, "history") == [["Clearing price", 3], ["Volume (units)", 3]]
    # the lead's open bid is drawn on the last round's curves
    assert errors == []
    curves = page.evaluate(DRAWN, "curves")
    assert ["Your open bids", 3] in curves
    page.locator("#curves-title").scroll_into_view_if_needed()
    shoot(page, "history-01-week-and-my-bid-on-curves")

    # all of it, then today only
    page.get_by_role("link", name="All").click()
    expect(page.get_by_role("link", name="All")).to_have_attribute("aria-current", "true")
    page.wait_for_function(CHARTED)  # a new page: its scripts may not have run yet
    assert page.evaluate(DRAWN, "history") == [["Clearing price", 4], ["Volume (units)", 4]]
    shoot(page, "history-02-all")
    page.get_by_role("link", name="Today").click()
    expect(page.get_by_role("link", name="Today")).to_have_attribute("aria-current", "true")
    page.wait_for_function(CHARTED)
    assert page.evaluate(DRAWN, "history") == [["Clearing price", 1], ["Volume (units)", 1]]
    page.get_by_role("group", name="Show the figures").or_(
        page.locator("details.data summary").first
    ).first.click()
    expect(page.locator("details.data").first).to_contain_text("2.50")
