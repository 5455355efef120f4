"""A lead's day in real Chromium: bid, see the hold; another lead asks; the round clears; both
see their fills and balances. A bad order keeps what was typed and says what is wrong."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.web.conftest import next_round

# Elements sticking out past the right edge of the window, for the failure message.
WIDE = """[...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(user.membership.division.name)


def place(page: Page, side: str, quantity: str, limit: str) -> None:
    page.get_by_label(side).check()
    page.get_by_label("Quantity").fill(quantity)
    page.get_by_label("Limit price").fill(limit)
    page.get_by_role("button", name="Place order").click()


def test_two_leads_trade_and_both_see_their_fills_and_balances(
    live_server, trading_floor, browser, shoot
):
    round_, buyer, seller = trading_floor
    market_url = live_server.url + reverse("market", args=[round_.market.slug])
    lead = browser.new_page(viewport={"width": 1280, "height": 900})

    # a lead signs in, places a bid and sees the hold, live as they type and after placing
    sign_in(lead, live_server.url, buyer)
    shoot(lead, "01-dashboard-before")
    lead.goto(market_url)
    lead.get_by_label("Bid (buy)").check()
    lead.get_by_label("Quantity").fill("10")
    lead.get_by_label("Limit price").fill("3.00")
    expect(lead.get_by_test_id("hold")).to_have_text("30.00 credits")
    expect(lead.locator("#hold-preview")).to_contain_text("970.00 credits after")
    shoot(lead, "02-market-bid-preview")
    lead.get_by_role("button", name="Place order").click()
    expect(lead.get_by_role("status")).to_contain_text(
        "Bid placed: 10 at 3.00; 30.00 credits held."
    )
    expect(lead.get_by_test_id("order-hold")).to_have_text("30.00 credits")
    lead.goto(live_server.url + "/dashboard/")
    expect(lead.get_by_test_id("available-credits")).to_have_text("970.00")
    expect(lead.get_by_test_id("held-credits")).to_have_text("30.00")
    shoot(lead, "03-dashboard-bid-held")

    # another division's lead sees nothing of that bid, and places an ask
    other = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(other, live_server.url, seller)
    other.goto(market_url)
    expect(other.locator("main")).not_to_contain_text("3.00")
    place(other, "Ask (sell)", "8", "2.00")
    expect(other.get_by_role("status")).to_contain_text("Ask placed: 8 at 2.00; 8 GPU-hours held.")

    # the round is cleared: 8 units at the midpoint of 2.00 and 3.00
    assert factories.close_and_finish(round_) == "settled"

    round_url = live_server.url + reverse("round_detail", args=[round_.pk])
    lead.goto(round_url)
    expect(lead.get_by_test_id("clearing-price")).to_have_text("2.50")
    expect(lead.locator("main")).to_contain_text(
        "Bought 8 of 10 at 2.50: paid 20.00 credits; 10.00 of the 30.00 held came back."
    )
    expect(lead.locator("main")).to_contain_text("Your limit 3.00 was the marginal bid")
    shoot(lead, "04-round-result-buyer")
    lead.goto(live_server.url + "/dashboard/")
    expect(lead.get_by_test_id("available-credits")).to_have_text("980.00")
    expect(lead.get_by_test_id("held-credits")).to_have_text("0.00")
    shoot(lead, "05-dashboard-after")

    other.goto(round_url)
    expect(other.locator("main")).to_contain_text("Sold 8 of 8 at 2.50: received 20.00 credits.")
    other.goto(live_server.url + "/dashboard/")
    expect(other.get_by_test_id("available-credits")).to_have_text("20.00")
    shoot(other, "06-dashboard-seller")

    lead.goto(live_server.url + "/ledger/")
    expect(lead.locator("tbody tr").first).to_contain_text("Trade settlement")
    shoot(lead, "07-ledger")
    lead.goto(live_server.url + "/orders/")
    expect(lead.locator("tbody tr").first).to_contain_text("Partly filled")
    shoot(lead, "08-orders")
    lead.goto(market_url)
    expect(lead.locator("#curves-title")).to_contain_text("supply and demand")
    expect(lead.locator("canvas[data-chart=curves]")).to_be_visible()
    shoot(lead, "09-market-after")


def test_a_bad_order_shows_its_error_inline_and_keeps_what_was_typed(
    live_server, trading_floor, browser, shoot
):
    round_, buyer, _ = trading_floor
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, buyer)
    page.goto(live_server.url + reverse("market", args=[round_.market.slug]))
    page.get_by_label("Bid (buy)").check()
    page.get_by_label("Quantity").fill("12")
    page.get_by_label("Limit price").fill("2.345")
    expect(page.locator("#hold-preview")).to_contain_text("Use at most 2 decimal places.")
    page.get_by_role("button", name="Place order").click()
    error = page.locator("#limit-error")
    expect(error).to_have_text("Use at most 2 decimal places.")
    expect(page.get_by_label("Limit price")).to_have_value("2.345")
    expect(page.get_by_label("Limit price")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Quantity")).to_have_value("12")
    expect(page.get_by_label("Bid (buy)")).to_be_checked()
    shoot(page, "10-order-error")
    # too big for the budget: refused above the form, still nothing held
    page.get_by_label("Limit price").fill("200.00")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("alert")).to_contain_text("Insufficient funds")
    expect(page.get_by_label("Quantity")).to_have_value("12")
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_test_id("held-credits")).to_have_text("0.00")


def test_the_order_form_works_without_javascript(live_server, trading_floor, browser):
    round_, buyer, _ = trading_floor
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, buyer)
    page.goto(live_server.url + reverse("market", args=[round_.market.slug]))
    place(page, "Bid (buy)", "4", "1.5x")
    expect(page.locator("#limit-error")).to_have_text(
        'Write an amount with the digits 0-9 and a point, e.g. "2.35".'
    )
    expect(page.get_by_label("Quantity")).to_have_value("4")
    page.get_by_label("Limit price").fill("1.50")
    page.get_by_role("button", name="Preview the hold").click()
    expect(page.get_by_test_id("hold")).to_have_text("6.00 credits")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("status")).to_contain_text("Bid placed: 4 at 1.50; 6.00 credits held.")
    context.close()


@pytest.mark.parametrize("width", ["laptop", "phone"])
def test_main_pages_are_readable_at_laptop_and_phone_widths(
    live_server, trading_floor, browser, shoot, width
):
    from tests.browser.conftest import WIDTHS

    round_, buyer, seller = trading_floor
    factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    factories.bid(buyer, next_round(round_.market), 4, "2.75")  # the market page's busiest state
    page = browser.new_page(viewport=WIDTHS[width])
    sign_in(page, live_server.url, buyer)
    pages = {
        "dashboard": "/dashboard/",
        "markets": "/markets/",
        "market": reverse("market", args=[round_.market.slug]),
        "round": reverse("round_detail", args=[round_.pk]),
        "orders": "/orders/",
        "ledger": "/ledger/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} width: {page.evaluate(WIDE)}"
        shoot(page, f"{width}-{name}")
    # keyboard: the skip link is the first stop and lands on the content
    page.goto(live_server.url + "/dashboard/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    assert re.search(
        r"#main$", page.get_by_role("link", name="Skip to content").evaluate("a => a.href")
    )
