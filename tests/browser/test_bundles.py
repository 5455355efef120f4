"""A lead places a bundle with two legs in real Chromium, sees it accepted once its session
round clears, and the bundle pages fit a 390 px phone; the form has one leg row per market of
the session round, so a bundle can have a leg in each of five markets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from market import tasks
from market.models import Market, Round, Session, SessionRound
from market.services import sessions
from tests import factories
from tests.browser.test_phone import OVERFLOW, PHONE
from tests.browser.test_trading import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session_floor(db):
    session_round, (gpu, tok) = factories.open_session_round()
    for market, units, limit in ((gpu, 10, "2.00"), (tok, 5, "3.00")):
        seller = factories.trader(Decimal(0), units=units, asset=market.asset)
        factories.ask(seller, Round.objects.get(market=market), units, limit)
    buyer = factories.DivisionFactory(name="Consumer Assistant")
    factories.funded(buyer, Decimal("100.00"))
    return session_round, gpu, tok, factories.lead_of(buyer)


def test_a_lead_places_a_two_leg_bundle_and_sees_it_accepted(live_server, browser, session_floor):
    session_round, gpu, tok, lead = session_floor
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}/bundles/")
    page.get_by_role("link", name="Place a bundle").click()
    assert page.evaluate(OVERFLOW) == []
    expect(page.locator("select[name$=_market]")).to_have_count(2)  # one row per market
    page.get_by_label("Limit for the whole bundle (credits)").fill("40.00")
    page.locator("select[name=leg_0_market]").select_option(str(gpu.pk))
    page.locator("input[name=leg_0_quantity]").fill("10")
    page.locator("select[name=leg_1_market]").select_option(str(tok.pk))
    page.locator("input[name=leg_1_quantity]").fill("5")
    page.get_by_role("button", name="Place the bundle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bundle")
    expect(page.locator("main")).to_contain_text("Known when the session round clears.")
    assert page.evaluate(OVERFLOW) == []
    # when the session round closes and clears
    sessions.session_rounds_tick(now=session_round.closes_at + timedelta(seconds=1))
    tasks.session_round_finish(session_round.pk)
    page.reload()
    expect(page.locator("main")).to_contain_text("Accepted: its legs cost 35.00 credits net")
    assert page.evaluate(OVERFLOW) == []


@pytest.fixture
def five_markets(db):
    session = sessions.session_save(
        user=factories.management_user(), session=Session(name="Five windows", slug="five")
    )
    markets = [factories.MarketFactory(name=f"H100 · eu-west · window {n}") for n in range(5)]
    Market.objects.filter(pk__in=[m.pk for m in markets]).update(session=session)
    sessions.session_rounds_tick()
    for market in markets:
        seller = factories.trader(Decimal(0), units=10, asset=market.asset)
        factories.ask(seller, Round.objects.get(market=market), 10, "1.00")
    buyer = factories.DivisionFactory(name="Consumer Assistant")
    factories.funded(buyer, Decimal("100.00"))
    return SessionRound.objects.get(), markets, factories.lead_of(buyer)


def test_a_lead_places_a_bundle_with_a_leg_in_each_of_five_markets(
    live_server, browser, five_markets
):
    session_round, markets, lead = five_markets
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, lead)
    page.goto(f"{live_server.url}/session-rounds/{session_round.pk}/bundles/new/")
    # one row per market, each starting on its market
    rows = page.locator("select[name$=_market]")
    expect(rows).to_have_count(session_round.market_rounds.count())
    for i, market in enumerate(markets):
        expect(page.locator(f"select[name=leg_{i}_market]")).to_have_value(str(market.pk))
    # on a phone, the market's full name under its select follows the choice
    page.set_viewport_size(PHONE)
    caption = page.locator("[data-market-of=id_leg_0_market]")
    expect(caption).to_have_text(markets[0].name)
    page.locator("select[name=leg_0_market]").select_option(str(markets[3].pk))
    expect(caption).to_have_text(markets[3].name)
    page.locator("select[name=leg_0_market]").select_option(str(markets[0].pk))
    assert page.evaluate(OVERFLOW) == []
    # when
    page.get_by_label("Limit for the whole bundle (credits)").fill("50.00")
    for i in range(5):
        page.locator(f"input[name=leg_{i}_quantity]").fill(str(i + 1))
    page.get_by_role("button", name="Place the bundle").click()
    # then
    expect(page.locator("main")).to_contain_text("placed with 5 legs")
    sessions.session_rounds_tick(now=session_round.closes_at + timedelta(seconds=1))
    tasks.session_round_finish(session_round.pk)
    page.reload()
    expect(page.locator("main")).to_contain_text("Accepted: its legs cost 15.00 credits net")
