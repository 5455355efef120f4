"""A division never trades with itself, whether its two sides are simple orders, bundle legs or
one of each: the later one is refused, saying what stands on the other side."""

from decimal import Decimal

import pytest
from django.utils import translation

from ledger.models import Account
from market.errors import MarketError
from market.models import Bundle, Market, Order, Round, Session, SessionRound
from market.services import bundles, orders, sessions
from market.services.bundles import LegInput
from tests import factories
from tests.factories import ask, bid
from tests.invariants import assert_ledger_reconciles
from tests.market.test_bundles_concurrency import run_together


@pytest.fixture
def session_round(management):
    """An open session round over two markets."""
    return factories.open_session_round(management)[0]


@pytest.fixture
def rounds(session_round):
    return list(Round.objects.filter(session_round=session_round).order_by("market_id"))


@pytest.fixture
def lead(rounds):
    """A lead whose division has credits and units of both markets."""
    user = factories.trader(Decimal(1000), units=50, asset=rounds[0].market.asset)
    factories.stocked(user.membership.division, rounds[1].market.asset, 50)
    return user


def place(user, session_round, limit, *legs):
    return bundles.bundle_place(
        user=user,
        session_round_id=session_round.pk,
        limit=limit,
        legs=[LegInput(r.market_id, side, qty) for r, side, qty in legs],
    )


def held(user):
    return sorted(
        (a.asset.code, a.balance)
        for a in Account.objects.filter(division=user.membership.division, kind="held")
    )


def test_an_order_is_refused_against_an_open_bundle_leg_on_the_other_side(
    session_round, rounds, lead
):
    gpu, tok = rounds
    bundle = place(lead, session_round, "20.00", (gpu, "buy", 5), (tok, "sell", 3))
    before = held(lead)
    division = lead.membership.division
    with pytest.raises(MarketError) as refusal:
        ask(lead, gpu, 1, "1.00")
    assert refusal.value.message == (
        f"{division} already has an open bundle ({bundle.public_id}) with a buy leg in this "
        "round; a division cannot trade with itself."
    )
    assert refusal.value.field == "side"
    with pytest.raises(MarketError, match="with a sell leg in this round"):
        bid(lead, tok, 1, "1.00")
    assert (Order.objects.count(), held(lead)) == (0, before)
    # the same side is no self-trade
    bid(lead, gpu, 1, "1.00")
    ask(lead, tok, 1, "1.00")
    # and a cancelled bundle stands nowhere
    bundles.bundle_cancel(user=lead, bundle_id=bundle.pk)
    ask(lead, tok, 1, "1.00")
    assert Order.objects.filter(state="open").count() == 3
    assert_ledger_reconciles()


def test_another_divisions_bundle_does_not_stop_an_order(session_round, rounds, lead):
    gpu, _ = rounds
    place(factories.trader(Decimal(100)), session_round, "20.00", (gpu, "buy", 5))
    assert ask(lead, gpu, 1, "1.00").state == "open"


def test_a_bundle_is_refused_against_another_open_bundle_on_the_other_side(
    session_round, rounds, lead
):
    gpu, tok = rounds
    first = place(lead, session_round, "20.00", (gpu, "buy", 5))
    division = lead.membership.division
    with pytest.raises(MarketError) as refusal:
        place(lead, session_round, "-1.00", (tok, "buy", 1), (gpu, "sell", 2))
    assert refusal.value.message == (
        f"Leg 2: {division} has an open bundle ({first.public_id}) on the other side in "
        f"{gpu.market}; a division cannot trade with itself."
    )
    assert refusal.value.field == "legs.1.side"
    assert Bundle.objects.count() == 1
    # the same side is no self-trade; changing that bundle to sell is refused the same way
    second = place(lead, session_round, "30.00", (gpu, "buy", 1), (tok, "buy", 1))
    with pytest.raises(MarketError, match=f"open bundle \\({first.public_id}\\)"):
        bundles.bundle_change(
            user=lead, bundle_id=second.pk, legs=[LegInput(gpu.market_id, "sell", 1)]
        )
    assert [(leg.side, leg.quantity) for leg in second.legs.order_by("pk")] == [
        ("buy", 1),
        ("buy", 1),
    ]
    # a bundle changed against its own old legs is no self-trade
    bundles.bundle_cancel(user=lead, bundle_id=second.pk)
    bundles.bundle_change(user=lead, bundle_id=first.pk, legs=[LegInput(gpu.market_id, "sell", 2)])
    assert first.legs.get().side == "sell"
    assert_ledger_reconciles()


def test_a_bundle_that_buys_and_sells_in_one_market_is_refused(session_round, rounds, lead):
    gpu, _ = rounds
    with pytest.raises(MarketError) as refusal:
        place(lead, session_round, "5.00", (gpu, "buy", 2), (gpu, "sell", 2))
    assert refusal.value.message == (
        f"Leg 2: the bundle both buys and sells in {gpu.market}; "
        "a division cannot trade with itself."
    )
    assert refusal.value.field == "legs.1.side"
    assert Bundle.objects.count() == 0


def test_the_refusal_reads_in_chinese(session_round, rounds, lead):
    gpu, _ = rounds
    bundle = place(lead, session_round, "20.00", (gpu, "buy", 5))
    with translation.override("zh-hans"), pytest.raises(MarketError) as refusal:
        ask(lead, gpu, 1, "1.00")
    assert refusal.value.message == (
        f"{lead.membership.division} 在本轮已有未成交的组合订单（{bundle.public_id}），"
        "其中有买入腿；事业部不能与自己交易。"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_and_a_bundle_racing_on_opposite_sides_are_never_both_placed():
    management = factories.management_user()
    session = sessions.session_save(user=management, session=Session(name="Race", slug="race"))
    market = factories.MarketFactory()
    Market.objects.filter(pk=market.pk).update(session=session)
    sessions.session_rounds_tick()
    session_round, round_ = SessionRound.objects.get(), Round.objects.get(market=market)
    lead = factories.trader(Decimal(1000), units=50, asset=market.asset)
    for _ in range(5):

        def order():
            return orders.order_place(
                user=lead, round_id=round_.pk, side="sell", quantity=1, limit="1.00"
            )

        def bundle():
            return place(lead, session_round, "5.00", (round_, "buy", 1))

        placed, bundled = run_together(order, bundle)
        refused = [r for r in (placed, bundled) if isinstance(r, MarketError)]
        assert len(refused) == 1, (placed, bundled)
        if isinstance(placed, Order):
            orders.order_cancel(user=lead, order_id=placed.pk)
        else:
            bundles.bundle_cancel(user=lead, bundle_id=bundled.pk)
    assert_ledger_reconciles()
