"""Bundle pages: place a bundle with several legs, see its legs, state and outcome (which leg
made it too expensive and the limit that would have been accepted), cancel it; the round
page shows bundle fills per leg; everything in 简体中文 too."""

from datetime import timedelta
from decimal import Decimal

import pytest

from market import tasks
from market.models import Bundle, Market, Round, Session, SessionRound
from market.selectors import division_holdings
from market.services import bundles, sessions
from market.services.bundles import LegInput
from tests import factories
from tests.web.test_pages_zh import english_left, get_zh


@pytest.fixture
def scene(management):
    session_round, (gpu, tok) = factories.open_session_round(management)
    rounds = {r.market_id: r for r in Round.objects.filter(session_round=session_round)}
    lead = factories.trader(Decimal("100.00"))
    return session_round, rounds[gpu.pk], rounds[tok.pk], lead


def credits_of(lead):
    holding = next(
        h for h in division_holdings(division=lead.membership.division) if h.asset.is_credits
    )
    return holding.available, holding.held


def test_a_lead_places_a_bundle_with_two_legs_and_cancels_it(client, scene):
    session_round, gpu, tok, lead = scene
    client.force_login(lead)
    listing = client.get("/bundles/").content.decode()
    assert f"/session-rounds/{session_round.pk}/bundles/new/" in listing
    # when
    response = client.post(
        f"/session-rounds/{session_round.pk}/bundles/new/",
        {
            "limit": "40.00",
            "leg_0_market": str(gpu.market_id),
            "leg_0_side": "buy",
            "leg_0_quantity": "10",
            "leg_1_market": str(tok.market_id),
            "leg_1_side": "buy",
            "leg_1_quantity": "5",
        },
        follow=True,
    )
    # then
    bundle = Bundle.objects.get()
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/bundles/{bundle.public_id}/"
    assert gpu.market.name in page
    assert tok.market.name in page
    assert "Known when the session round clears." in page
    assert credits_of(lead) == (Decimal("60.00"), Decimal("40.00"))
    cancelled = client.post(f"/bundles/{bundle.public_id}/cancel/", follow=True)
    assert "its escrow is released" in cancelled.content.decode()
    assert credits_of(lead) == (Decimal("100.00"), 0)


def test_a_refusal_is_shown_under_the_leg_it_names(client, scene):
    session_round, gpu, _, lead = scene
    client.force_login(lead)
    response = client.post(
        f"/session-rounds/{session_round.pk}/bundles/new/",
        {"limit": "40.00", "leg_1_market": str(gpu.market_id), "leg_1_quantity": "５"},
    )
    assert response.status_code == 200
    assert "digits 0-9" in response.content.decode()
    response = client.post(
        f"/session-rounds/{session_round.pk}/bundles/new/",
        {"limit": "400.00", "leg_1_market": str(gpu.market_id), "leg_1_quantity": "5"},
    )
    assert "Insufficient funds" in response.content.decode()
    assert Bundle.objects.count() == 0


def test_others_cannot_see_or_cancel_it_and_members_without_rights_cannot_place(
    client, scene, other_lead, member
):
    session_round, gpu, _, lead = scene
    bundle = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="5.00",
        legs=[LegInput(gpu.market_id, "buy", 1)],
    )
    client.force_login(other_lead)
    assert client.get(f"/bundles/{bundle.public_id}/").status_code == 404
    assert client.post(f"/bundles/{bundle.public_id}/cancel/").status_code == 404
    client.force_login(member)
    assert client.get(f"/session-rounds/{session_round.pk}/bundles/new/").status_code == 403
    assert Bundle.objects.get().state == "open"


def test_a_rejected_bundle_explains_itself_and_the_round_page_shows_its_legs(client, scene):
    session_round, gpu, tok, lead = scene
    for round_, units, limit in ((gpu, 10, "2.00"), (tok, 5, "3.00")):
        seller = factories.trader(Decimal(0), units=units, asset=round_.market.asset)
        factories.ask(seller, round_, units, limit)
    rejected = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="30.00",
        legs=[LegInput(gpu.market_id, "buy", 10), LegInput(tok.market_id, "buy", 5)],
    )
    sessions.session_rounds_tick(now=session_round.closes_at + timedelta(seconds=1))
    tasks.session_round_finish(session_round.pk)
    client.force_login(lead)
    page = client.get(f"/bundles/{rejected.public_id}/").content.decode()
    assert f"The leg in {gpu.market.name} made it too expensive" in page
    assert "A limit of 35.00 would have been accepted." in page
    assert "Bundle legs in this round" in client.get(f"/rounds/{gpu.pk}/").content.decode()
    zh = get_zh(client, f"/bundles/{rejected.public_id}/")
    assert "35.00" in zh
    names = (
        lead.membership.division.name,
        lead.username,
        gpu.market.name,
        tok.market.name,
        gpu.market.asset.unit,
        str(session_round.session),
    )
    assert english_left(zh, *names) == []


def test_an_accepted_bundles_fills_show_per_leg(client, scene):
    session_round, gpu, tok, lead = scene
    seller = factories.trader(Decimal(0), units=10, asset=gpu.market.asset)
    factories.ask(seller, gpu, 10, "2.00")
    accepted = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="30.00",
        legs=[LegInput(gpu.market_id, "buy", 10)],
    )
    sessions.session_rounds_tick(now=session_round.closes_at + timedelta(seconds=1))
    tasks.session_round_finish(session_round.pk)
    client.force_login(lead)
    page = client.get(f"/bundles/{accepted.public_id}/").content.decode()
    assert "Accepted: its legs cost 20.00 credits net" in page
    round_page = client.get(f"/rounds/{gpu.pk}/").content.decode()
    assert "10 at 2.00 (20.00 credits)" in round_page


def test_a_cleared_bundle_no_longer_says_it_holds_anything(client, scene):
    session_round, gpu, tok, lead = scene
    seller = factories.trader(Decimal(0), units=10, asset=gpu.market.asset)
    factories.ask(seller, gpu, 10, "2.00")
    accepted, rejected = (
        bundles.bundle_place(
            user=lead,
            session_round_id=session_round.pk,
            limit=limit,
            legs=[LegInput(round_.market_id, "buy", 10)],
        )
        for round_, limit in ((gpu, "30.00"), (tok, "5.00"))
    )
    client.force_login(lead)
    assert "Holds while open" in client.get(f"/bundles/{accepted.public_id}/").content.decode()
    # when the session round clears: the first is accepted, the second finds no seller
    sessions.session_rounds_tick(now=session_round.closes_at + timedelta(seconds=1))
    tasks.session_round_finish(session_round.pk)
    # then the accepted one says what it paid, the rejected one holds nothing and says so
    page = client.get(f"/bundles/{accepted.public_id}/").content.decode()
    assert "Holds while open" not in page
    assert "paid 20.00 credits" in page
    zh = get_zh(client, f"/bundles/{accepted.public_id}/")
    assert "未成交时冻结" not in zh
    assert "支付 20.00 积分" in zh
    assert "未成交时冻结" not in get_zh(client, f"/bundles/{rejected.public_id}/")


def test_a_lead_changes_a_bundles_limit_and_legs_in_the_browser(client, scene):
    session_round, gpu, tok, lead = scene
    bundle = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="40.00",
        legs=[LegInput(gpu.market_id, "buy", 10)],
    )
    client.force_login(lead)
    form = client.get(f"/bundles/{bundle.public_id}/change/").content.decode()
    assert 'value="40.00"' in form
    response = client.post(
        f"/bundles/{bundle.public_id}/change/",
        {
            "limit": "25.00",
            "leg_0_market": str(gpu.market_id),
            "leg_0_side": "buy",
            "leg_0_quantity": "4",
            "leg_1_market": str(tok.market_id),
            "leg_1_side": "buy",
            "leg_1_quantity": "2",
        },
        follow=True,
    )
    assert f"Bundle {bundle.public_id} changed." in response.content.decode()
    assert sorted(bundle.legs.values_list("quantity", flat=True)) == [2, 4]
    assert credits_of(lead) == (Decimal("75.00"), Decimal("25.00"))


def test_a_market_in_a_session_says_so_and_links_to_bundles(client, scene):
    _, gpu, _, lead = scene
    client.force_login(lead)
    page = client.get(f"/markets/{gpu.market.slug}/").content.decode()
    assert "This market trades in the session “Next week”" in page
    assert 'href="/bundles/"' in page


@pytest.fixture
def six_markets(management):
    session = sessions.session_save(
        user=management, session=Session(name="Six windows", slug="six-windows")
    )
    markets = [factories.MarketFactory(name=f"H100 window {n}") for n in range(6)]
    Market.objects.filter(pk__in=[m.pk for m in markets]).update(session=session)
    sessions.session_rounds_tick()
    return SessionRound.objects.get(), markets, factories.trader(Decimal("1000.00"))


def test_the_form_has_one_leg_row_per_market_and_places_more_than_four_legs(client, six_markets):
    session_round, markets, lead = six_markets
    client.force_login(lead)
    url = f"/session-rounds/{session_round.pk}/bundles/new/"
    form = client.get(url).content.decode()
    # one row per market, each starting on its market (in the order of their names)
    assert form.count('name="leg_5_market"') == 1
    assert 'name="leg_6_market"' not in form
    for i, market in enumerate(markets):
        assert f'<option value="{market.pk}" selected>' in form.split(f'name="leg_{i}_market"')[1]
    # when: quantities in five of the six rows
    data = {"limit": "100.00"}
    for i, market in enumerate(markets):
        data |= {f"leg_{i}_market": str(market.pk), f"leg_{i}_side": "buy"}
        data[f"leg_{i}_quantity"] = "" if i == 1 else str(i + 1)
    response = client.post(url, data, follow=True)
    # then
    assert "placed with 5 legs" in response.content.decode()
    bundle = Bundle.objects.get()
    assert sorted(bundle.legs.values_list("quantity", flat=True)) == [1, 3, 4, 5, 6]


def test_the_change_form_shows_each_leg_in_its_markets_row(client, six_markets):
    session_round, markets, lead = six_markets
    bundle = bundles.bundle_place(
        user=lead,
        session_round_id=session_round.pk,
        limit="30.00",
        legs=[LegInput(markets[4].pk, "buy", 7), LegInput(markets[2].pk, "buy", 3)],
    )
    client.force_login(lead)
    form = client.get(f"/bundles/{bundle.public_id}/change/").content.decode()
    assert 'name="leg_5_market"' in form
    assert 'name="leg_4_quantity" value="7"' in form
    assert 'name="leg_2_quantity" value="3"' in form
    assert 'name="leg_0_quantity" value=' not in form
