"""Every page a lead, a counterparty or an auditor opens is readable on a 390 px phone: nothing
sticks out sideways, no table scrolls inside its card, and the columns the laptop shows (the
ledger's held balance, an order's state and its Change/Cancel links) are all there."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.arbitration.conftest import claim
from tests.browser.test_trading import sign_in
from tests.web.conftest import next_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}

# What sticks out: the page itself, any table past the window's right edge, or any table wider
# than the box it sits in (it would scroll inside its card, half of it out of sight).
OVERFLOW = """() => {
  const width = window.innerWidth, found = [], page = document.scrollingElement;
  const name = e => e.tagName + '.' + e.className + ' "' + e.textContent.trim().slice(0, 30) + '"';
  if (page.scrollWidth > width) found.push('page ' + page.scrollWidth);
  document.querySelectorAll('main table').forEach((t, i) => {
    const box = t.getBoundingClientRect(), parent = t.parentElement;
    if (box.right > width + 0.5) found.push('table ' + i + ' ends at ' + box.right + name(t));
    if (parent.scrollWidth > parent.clientWidth + 1) found.push('table ' + i + ' scrolls');
  });
  document.querySelectorAll('main *').forEach(e => {
    if (e.getBoundingClientRect().right > width + 0.5 && found.length < 8) found.push(name(e));
  });
  return found;
}"""


def check(page, url, shoot, name):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")
    shoot(page, f"phone-390-{name}")
    assert page.evaluate(OVERFLOW) == [], f"{name} is cut off at 390 px"


def test_every_page_fits_a_phone_without_sideways_scrolling(
    live_server, trading_floor, browser, shoot
):
    from arbitration import services

    round_, buyer, seller = trading_floor
    factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    fill = round_.fills.get(division=buyer.membership.division)
    dispute = services.dispute_file(user=buyer, claim=claim(), fill_id=fill.pk)
    order = factories.bid(buyer, next_round(round_.market), 4, "2.75")
    lead_pages = {
        "dashboard": reverse("dashboard"),
        "markets": reverse("markets"),
        "market": reverse("market", args=[round_.market.slug]),
        "round": reverse("round_detail", args=[round_.pk]),
        "orders": reverse("orders"),
        "order": reverse("order", args=[order.public_id]),
        "ledger": reverse("ledger"),
        "disputes": reverse("disputes:list"),
        "dispute": reverse("disputes:detail", args=[dispute.pk]),
        "api-tokens": reverse("api-tokens"),
    }
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, buyer)
    for name, path in lead_pages.items():
        check(page, live_server.url + path, shoot, name)

    # the columns a laptop shows are on the phone too, each with its label
    page.goto(live_server.url + reverse("ledger"))
    first = page.locator("main tbody tr").first
    expect(first.locator('td[data-label="Held in escrow · Balance"]')).to_be_visible()
    expect(first.locator('td[data-label="Available · Balance"]')).to_be_visible()
    page.goto(live_server.url + reverse("market", args=[round_.market.slug]))
    row = page.locator("main tbody tr", has_text="2.75").first
    expect(row.locator('td[data-label="State"]')).to_be_visible()
    expect(row.get_by_role("link", name="Change")).to_be_visible()
    expect(row.get_by_role("link", name="Cancel")).to_be_visible()
    page.goto(live_server.url + reverse("orders"))
    expect(page.locator("main tbody tr").first.get_by_role("link", name="Cancel")).to_be_visible()
    page.goto(live_server.url + reverse("dashboard"))
    fills = page.locator("section", has=page.get_by_role("heading", name="Recent fills"))
    expect(fills.locator('td[data-label="Paid / received"]').first).to_be_visible()

    # the counterparty and an auditor see their pages whole too
    other = browser.new_page(viewport=PHONE)
    sign_in(other, live_server.url, seller)
    counterparty_view = live_server.url + reverse("disputes:detail", args=[dispute.pk])
    check(other, counterparty_view, shoot, "dispute-counterparty")

    # an auditor (no division) reads the dashboard, a division's ledger and the token page
    auditor = factories.auditor_user()
    watcher = browser.new_page(viewport=PHONE)
    watcher.goto(f"{live_server.url}/login/")
    watcher.get_by_label("Username").fill(auditor.username)
    watcher.get_by_label("Password").fill(factories.PASSWORD)
    watcher.get_by_role("button", name="Sign in").click()
    slug = buyer.membership.division.slug
    for name, path in {
        "auditor-dashboard": reverse("dashboard"),
        "auditor-ledger": f"{reverse('ledger')}?division={slug}",
        "auditor-orders": f"{reverse('orders')}?division={slug}",
        "auditor-api-tokens": reverse("api-tokens"),
    }.items():
        check(watcher, live_server.url + path, shoot, name)
