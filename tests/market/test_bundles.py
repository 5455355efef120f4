"""Bundle (linked) orders: placed with their worst case in escrow, cleared with their session
round through the session engine, settled exactly once in one ledger transaction."""

from datetime import timedelta
from decimal import Decimal

import pytest

from events.models import Event
from ledger.models import LedgerTransaction
from market import tasks
from market.errors import InsufficientFunds, InvalidState, MarketError, NotAllowed
from market.models import Bundle, BundleFill, Round
from market.selectors import division_holdings
from market.services import bundles, sessions
from market.services.bundles import LegInput
from tests import factories
from tests.factories import ask, bid
from tests.invariants import assert_ledger_reconciles


def holdings(user):
    return {
        (h.asset.code if not h.asset.is_credits else "credits"): (h.available, h.held)
        for h in division_holdings(division=user.membership.division)
    }


@pytest.fixture
def session_round(management):
    """An open session round over two markets, gpu and tok."""
    return factories.open_session_round(management)[0]


def rounds_of(session_round):
    return list(Round.objects.filter(session_round=session_round).order_by("market_id"))


def place(user, session_round, limit, *legs):
    return bundles.bundle_place(
        user=user,
        session_round_id=session_round.pk,
        limit=limit,
        legs=[LegInput(r.market_id, side, qty) for r, side, qty in legs],
    )


def finish(session_round):
    later = session_round.closes_at + timedelta(seconds=1)
    assert sessions.session_rounds_tick(now=later) == [session_round.pk]
    return tasks.session_round_finish(session_round.pk)


@pytest.fixture
def book(session_round):
    """Sellers in both markets: 10 GPU-hours at 2.00 and 5 at 3.00 in the other market."""
    gpu, tok = rounds_of(session_round)
    gpu_seller = factories.trader(Decimal(0), units=10, asset=gpu.market.asset)
    tok_seller = factories.trader(Decimal(0), units=5, asset=tok.market.asset)
    ask(gpu_seller, gpu, 10, "2.00")
    ask(tok_seller, tok, 5, "3.00")
    return gpu, tok, gpu_seller, tok_seller


def test_placing_holds_the_limit_and_sell_legs_and_cancelling_releases_them(session_round):
    gpu, tok = rounds_of(session_round)
    lead = factories.trader(Decimal(100), units=8, asset=tok.market.asset)
    # when: buy GPU-hours and sell tokens, paying at most 40 credits net
    bundle = place(lead, session_round, "40.00", (gpu, "buy", 10), (tok, "sell", 8))
    # then
    assert [(leg.side, leg.quantity) for leg in bundle.legs.order_by("pk")] == [
        ("buy", 10),
        ("sell", 8),
    ]
    assert len(bundle.public_id) == 16
    assert holdings(lead)["credits"] == (Decimal("60.00"), Decimal("40.00"))
    assert holdings(lead)[tok.market.asset.code] == (0, 8)
    # a change follows the escrow: a net seller's least receipt holds no credits
    bundles.bundle_change(user=lead, bundle_id=bundle.pk, limit="-5.00")
    assert holdings(lead)["credits"] == (Decimal("100.00"), 0)
    bundles.bundle_cancel(user=lead, bundle_id=bundle.pk)
    assert holdings(lead)["credits"] == (Decimal("100.00"), 0)
    assert holdings(lead)[tok.market.asset.code] == (8, 0)
    with pytest.raises(InvalidState, match="cancelled"):
        bundles.bundle_cancel(user=lead, bundle_id=bundle.pk)
    assert_ledger_reconciles()


def test_placement_is_refused_without_funds_or_with_bad_legs(session_round):
    gpu, tok = rounds_of(session_round)
    lead = factories.trader(Decimal(10))
    with pytest.raises(InsufficientFunds):
        place(lead, session_round, "40.00", (gpu, "buy", 10))
    with pytest.raises(MarketError, match="one leg per market"):
        place(lead, session_round, "1.00", (gpu, "buy", 1), (gpu, "buy", 2))
    with pytest.raises(MarketError, match="whole number") as refusal:
        place(lead, session_round, "1.00", (gpu, "buy", "1.5"))
    assert refusal.value.field == "legs.0.quantity"
    with pytest.raises(MarketError, match="decimal string"):
        place(lead, session_round, 1.5, (gpu, "buy", 1))
    assert Bundle.objects.count() == 0


def test_only_the_divisions_traders_place_change_and_cancel(session_round, member, other_lead):
    gpu, _ = rounds_of(session_round)
    with pytest.raises(NotAllowed, match="trade rights"):
        place(member, session_round, "1.00", (gpu, "buy", 1))
    lead = factories.trader(Decimal(100))
    bundle = place(lead, session_round, "10.00", (gpu, "buy", 1))
    factories.funded(other_lead.membership.division)
    with pytest.raises(NotAllowed, match="own division"):
        bundles.bundle_cancel(user=other_lead, bundle_id=bundle.pk)
    with pytest.raises(NotAllowed, match="own division"):
        bundles.bundle_change(user=other_lead, bundle_id=bundle.pk, limit="1.00")
    assert Bundle.objects.get().state == "open"


def test_an_accepted_bundle_settles_exactly_once(book):
    gpu, tok, gpu_seller, tok_seller = book
    session_round = gpu.session_round
    buyer = factories.trader(Decimal(100))
    bundle = place(buyer, session_round, "50.00", (gpu, "buy", 10), (tok, "buy", 5))
    # when: the session round closes and the task runs twice
    assert finish(session_round) == "settled"
    assert tasks.session_round_finish(session_round.pk) == "settled"
    # then: both legs filled at their market's price, 35 credits paid of the 50 held
    bundle.refresh_from_db()
    assert (bundle.state, bundle.reason, bundle.cost) == ("accepted", "accepted", Decimal(35))
    fills = {f.round_id: (f.quantity, f.price, f.amount) for f in BundleFill.objects.all()}
    assert fills == {gpu.pk: (10, Decimal("2.00"), 20), tok.pk: (5, Decimal("3.00"), 15)}
    assert holdings(buyer)["credits"] == (Decimal("65.00"), 0)
    assert holdings(buyer)[gpu.market.asset.code] == (10, 0)
    assert holdings(buyer)[tok.market.asset.code] == (5, 0)
    assert holdings(gpu_seller)["credits"] == (Decimal("20.00"), 0)
    assert holdings(tok_seller)["credits"] == (Decimal("15.00"), 0)
    assert LedgerTransaction.objects.filter(reason="trade").count() == 1
    assert {r.state for r in rounds_of(session_round)} == {"settled"}
    assert [(r.price, r.volume) for r in rounds_of(session_round)] == [
        (Decimal("2.00"), 10),
        (Decimal("3.00"), 5),
    ]
    filled = Event.objects.filter(kind="order.filled", division=buyer.membership.division)
    assert sorted(e.data["filled"] for e in filled) == [5, 10]
    assert {e.data["bundle"] for e in filled} == {bundle.public_id}
    assert_ledger_reconciles()


def test_a_rejected_bundle_says_which_leg_was_too_expensive_and_releases_its_escrow(book):
    gpu, tok, _, _ = book
    session_round = gpu.session_round
    buyer = factories.trader(Decimal(100))
    bundle = place(buyer, session_round, "30.00", (gpu, "buy", 10), (tok, "buy", 5))
    # when
    assert finish(session_round) == "settled"
    # then: 10 × 2.00 + 5 × 3.00 = 35 > 30; the GPU leg adds the most
    bundle.refresh_from_db()
    assert (bundle.state, bundle.reason) == ("rejected", "too_expensive")
    assert (bundle.binding_market, bundle.limit_needed) == (gpu.market, Decimal("35.00"))
    assert holdings(buyer)["credits"] == (Decimal("100.00"), 0)
    assert BundleFill.objects.count() == 0
    assert_ledger_reconciles()


def test_a_net_seller_bundle_receives_at_least_its_least_receipt(book):
    gpu, tok, _, _ = book
    session_round = gpu.session_round
    bidder = factories.trader(Decimal(100))
    bid(bidder, tok, 4, "4.00")
    # sells 4 tokens, buys 1 GPU-hour, wants at least 5 credits net
    trader = factories.trader(Decimal(0), units=4, asset=tok.market.asset)
    bundle = place(trader, session_round, "-5.00", (gpu, "buy", 1), (tok, "sell", 4))
    assert holdings(trader)[tok.market.asset.code] == (0, 4)
    finish(session_round)
    bundle.refresh_from_db()
    assert bundle.state == "accepted", bundle.reason
    assert bundle.cost <= Decimal("-5.00")
    assert holdings(trader)[gpu.market.asset.code] == (1, 0)
    assert holdings(trader)["credits"] == (-bundle.cost, 0)
    assert_ledger_reconciles()


def test_a_buy_leg_is_held_to_the_markets_position_limit(session_round, management):
    from oversight.models import PositionLimit
    from oversight.services.limits import position_limit_save

    gpu, tok = rounds_of(session_round)
    position_limit_save(
        user=management, limit=PositionLimit(market=gpu.market, max_buy_per_round=5)
    )
    lead = factories.trader(Decimal(100))
    with pytest.raises(MarketError, match="at most 5 units in one round"):
        place(lead, session_round, "40.00", (gpu, "buy", 6), (tok, "buy", 1))
    assert Bundle.objects.count() == 0
    place(lead, session_round, "40.00", (gpu, "buy", 5), (tok, "buy", 1))


def test_a_bundle_with_a_leg_in_a_halted_market_is_rejected_and_released(book, management):
    from market.services import markets

    gpu, tok, _, _ = book
    session_round = gpu.session_round
    buyer = factories.trader(Decimal(100))
    bundle = place(buyer, session_round, "50.00", (gpu, "buy", 10), (tok, "buy", 5))
    markets.market_halt(market_id=gpu.market_id, by=management, reason="Bad feed")
    # when
    assert finish(session_round) == "settled"
    # then: the other market clears on its own; the bundle trades nowhere
    bundle.refresh_from_db()
    assert (bundle.state, bundle.reason) == ("rejected", "market_stopped")
    assert holdings(buyer)["credits"] == (Decimal("100.00"), 0)
    tok.refresh_from_db()
    assert (tok.state, tok.volume) == ("settled", 0)
    assert_ledger_reconciles()
