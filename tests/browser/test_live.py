"""A lead keeps the market page, the round page and the dashboard open while the round closes,
clears and settles: each page shows the result by itself, without being reloaded."""

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from market.services import rounds
from tests import factories
from tests.browser.test_trading import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT = 12_000  # ms: the pages poll every 3 s
NOT_RELOADED = "window.__kept === 'still here'"


def test_open_pages_show_the_close_and_the_result_without_a_reload(
    live_server, trading_floor, browser, shoot
):
    round_, buyer, seller = trading_floor
    factories.bid(buyer, round_, 10, "3.00")
    factories.ask(seller, round_, 8, "2.00")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first = context.new_page()
    sign_in(first, live_server.url, buyer)
    urls = {
        "market": reverse("market", args=[round_.market.slug]),
        "round": reverse("round_detail", args=[round_.pk]),
        "dashboard": reverse("dashboard"),
    }
    pages = {name: first if name == "dashboard" else context.new_page() for name in urls}
    for name, page in pages.items():
        page.goto(live_server.url + urls[name])
        page.evaluate("window.__kept = 'still here'")
    market, round_page, dashboard = pages["market"], pages["round"], pages["dashboard"]
    expect(dashboard.get_by_test_id("held-credits")).to_have_text("30.00")

    # when the round closes and beat opens the next one at once
    later = round_.closes_at + timedelta(seconds=1)
    assert rounds.round_close(round_id=round_.pk, now=later)
    successor = rounds.round_schedule_next(market_id=round_.market_id, now=later)
    assert rounds.round_open(round_id=successor.pk, now=later)
    # then the market page says it is clearing and already shows the next round, never "none"
    expect(market.get_by_test_id("closing")).to_contain_text("Closed: clearing now", timeout=WAIT)
    expect(market.locator("#current-title")).to_contain_text(f"Round {successor.number}")
    expect(round_page.locator("h1")).to_contain_text("Closed", timeout=WAIT)
    shoot(market, "live-01-market-clearing")
    market.get_by_label("Quantity").fill("5")  # the lead starts an order in the new round

    # when it clears and settles, each page shows the result by itself
    assert rounds.round_finish(round_id=round_.pk) == "settled"
    expect(market.get_by_test_id("last-result")).to_contain_text(
        f"Round {round_.number} cleared at 2.50", timeout=WAIT
    )
    expect(market.locator("main")).to_contain_text("Bought 8 of 10 at 2.50: paid 20.00 credits")
    expect(market.get_by_test_id("closing")).to_have_count(0)
    expect(market.get_by_label("Quantity")).to_have_value("5")  # the redraw kept what was typed
    expect(round_page.get_by_test_id("clearing-price")).to_have_text("2.50", timeout=WAIT)
    expect(round_page.locator("canvas[data-chart=curves]")).to_be_visible()
    expect(dashboard.get_by_test_id("available-credits")).to_have_text("980.00", timeout=WAIT)
    expect(dashboard.get_by_test_id("held-credits")).to_have_text("0.00")
    shoot(market, "live-02-market-result")
    shoot(round_page, "live-03-round-result")
    shoot(dashboard, "live-04-dashboard-result")
    for name, page in pages.items():
        assert page.evaluate(NOT_RELOADED), f"the {name} page was reloaded"
    context.close()
