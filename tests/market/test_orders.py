from decimal import Decimal

import pytest

from market.errors import InsufficientFunds, InvalidState, MarketError, NotAllowed
from market.models import Order
from market.selectors import division_holdings
from market.services import markets, orders
from tests import factories
from tests.factories import ask, bid
from tests.invariants import assert_ledger_reconciles


def holding(user, code=None):
    division = user.membership.division
    for h in division_holdings(division=division):
        if (code is None and h.asset.is_credits) or h.asset.code == code:
            return h.available, h.held
    return Decimal(0), Decimal(0)


@pytest.fixture
def round_(db):
    return factories.open_round()


@pytest.fixture
def buyer(db):
    return factories.trader(Decimal("1000.00"))


@pytest.fixture
def seller(round_):
    return factories.trader(Decimal("0.01"), units=50, asset=round_.market.asset)


def test_a_bid_holds_quantity_times_limit(round_, buyer):
    bid(buyer, round_, 10, "2.35")
    assert holding(buyer) == (Decimal("976.50"), Decimal("23.50"))


def test_an_ask_holds_the_units(round_, seller):
    ask(seller, round_, 20, "1.00")
    assert holding(seller, round_.market.asset.code) == (30, 20)


def test_changing_a_bid_moves_the_hold_both_ways(round_, buyer):
    order = bid(buyer, round_, 10, "2.00")
    orders.order_change(user=buyer, order_id=order.pk, quantity=15)
    assert holding(buyer) == (Decimal("970.00"), Decimal("30.00"))
    orders.order_change(user=buyer, order_id=order.pk, limit="1.00")
    assert holding(buyer) == (Decimal("985.00"), Decimal("15.00"))


def test_cancelling_releases_the_whole_hold(round_, buyer):
    order = bid(buyer, round_, 10, "2.00")
    orders.order_cancel(user=buyer, order_id=order.pk)
    assert holding(buyer) == (Decimal("1000.00"), Decimal("0.00"))
    assert Order.objects.get(pk=order.pk).state == "cancelled"
    with pytest.raises(InvalidState, match="is cancelled"):
        orders.order_cancel(user=buyer, order_id=order.pk)


def test_a_bid_beyond_the_budget_is_refused_and_nothing_is_placed(round_, buyer):
    with pytest.raises(InsufficientFunds, match="has 1,000.00 credits available, needs 1,000.01"):
        bid(buyer, round_, 1, "1000.01")
    assert not Order.objects.exists()


def test_an_increase_beyond_the_budget_leaves_the_order_as_it_was(round_, buyer):
    order = bid(buyer, round_, 10, "50.00")
    with pytest.raises(InsufficientFunds):
        orders.order_change(user=buyer, order_id=order.pk, quantity=21)
    order.refresh_from_db()
    assert order.quantity == 10
    assert holding(buyer) == (Decimal("500.00"), Decimal("500.00"))


def test_an_ask_beyond_holdings_is_refused(round_, seller):
    with pytest.raises(InsufficientFunds, match="has 50 GPU-hours"):
        ask(seller, round_, 51, "1.00")


@pytest.mark.parametrize(
    ("quantity", "limit", "message"),
    [
        (0, "1.00", "at least 1 unit"),
        (-3, "1.00", "at least 1 unit"),
        ("2.5", "1.00", "whole number written with the digits 0-9"),
        ("ten", "1.00", "whole number written with the digits 0-9"),
        (1, "-1.00", "cannot be negative"),
        (1, "1.005", "Use at most 2 decimal places"),
        (1, "abc", "Write an amount with the digits 0-9"),
        (1, "NaN", "Write an amount with the digits 0-9"),
        (1, "Infinity", "Write an amount with the digits 0-9"),
    ],
)
def test_bad_orders_are_refused_with_a_message_naming_the_problem(
    round_, buyer, quantity, limit, message
):
    with pytest.raises(MarketError, match=message):
        bid(buyer, round_, quantity, limit)


def test_floor_and_cap_are_enforced(db, buyer):
    market = factories.MarketFactory(floor=Decimal("1.00"), cap=Decimal("5.00"))
    round_ = factories.open_round(market)
    with pytest.raises(MarketError, match="below the market floor of 1.00"):
        bid(buyer, round_, 1, "0.99")
    with pytest.raises(MarketError, match="above the market cap of 5.00"):
        bid(buyer, round_, 1, "5.01")


def test_a_coarser_tick_is_enforced(db, buyer):
    round_ = factories.open_round(factories.MarketFactory(tick=Decimal("0.25")))
    with pytest.raises(MarketError, match="multiple of 0.25"):
        bid(buyer, round_, 1, "1.10")
    bid(buyer, round_, 1, "1.25")


def test_a_member_without_trade_rights_cannot_place(round_):
    division = factories.funded(factories.DivisionFactory())
    member = factories.member_of(division)
    with pytest.raises(NotAllowed, match="without trade rights"):
        bid(member, round_, 1, "1.00")


def test_management_cannot_trade(round_, management):
    with pytest.raises(NotAllowed, match="Only a division's lead"):
        bid(management, round_, 1, "1.00")


def test_nobody_changes_another_divisions_order(round_, buyer):
    order = bid(buyer, round_, 1, "1.00")
    intruder = factories.trader()
    with pytest.raises(NotAllowed, match="your own division"):
        orders.order_change(user=intruder, order_id=order.pk, quantity=5)
    with pytest.raises(NotAllowed):
        orders.order_cancel(user=intruder, order_id=order.pk)


def test_orders_are_refused_once_the_round_closed(round_, buyer):
    order = bid(buyer, round_, 1, "1.00")
    factories.close_and_finish(round_)
    with pytest.raises(InvalidState, match="not open for orders"):
        bid(buyer, round_, 1, "1.00")
    with pytest.raises(InvalidState):
        orders.order_cancel(user=buyer, order_id=order.pk)


def test_orders_are_refused_in_a_halted_market(round_, buyer, management):
    bid(buyer, round_, 4, "2.00")
    markets.market_halt(market_id=round_.market_id, by=management, reason="Pricing incident")
    round_.refresh_from_db()
    assert round_.state == "halted"
    assert holding(buyer) == (Decimal("1000.00"), Decimal("0.00"))  # every hold released
    with pytest.raises(InvalidState, match="halted by management: Pricing incident"):
        bid(buyer, round_, 1, "1.00")


def test_a_division_cannot_trade_with_itself(round_):
    lead = factories.trader(units=5, asset=round_.market.asset)
    bid(lead, round_, 1, "1.00")
    with pytest.raises(MarketError, match="cannot trade with itself"):
        ask(lead, round_, 1, "1.00")
    assert Order.objects.filter(side="sell").count() == 0


def test_after_cancelling_its_bid_a_division_may_ask(round_):
    lead = factories.trader(units=5, asset=round_.market.asset)
    orders.order_cancel(user=lead, order_id=bid(lead, round_, 1, "1.00").pk)
    placed = ask(lead, round_, 2, "1.10")
    assert Order.objects.get(side="sell").pk == placed.pk


def test_a_placed_order_reads_back_as_it_was_returned(round_, buyer):
    placed = bid(buyer, round_, 3, "1.25")
    stored = Order.objects.get(pk=placed.pk)
    names = [f.attname for f in Order._meta.concrete_fields]
    assert [getattr(stored, n) for n in names] == [getattr(placed, n) for n in names]
    assert (stored.state, stored.limit, stored.quantity) == ("open", Decimal("1.25"), 3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bids_from_one_division_never_hold_more_than_it_has():
    import threading

    from django.db import connections

    # given: 24 bids of 10 credits racing for 120 credits
    round_ = factories.open_round()
    buyer = factories.trader(Decimal("120.00"))
    barrier = threading.Barrier(24)
    outcomes = []

    def place():
        try:
            barrier.wait()
            bid(buyer, round_, 5, "2.00")
            outcomes.append("placed")
        except InsufficientFunds:
            outcomes.append("refused")
        try:
            assert_ledger_reconciles()
        except AssertionError:
            outcomes.append("unreconciled")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=place) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("placed") == 12
    assert Order.objects.filter(state="open").count() == 12
    assert holding(buyer) == (Decimal("0.00"), Decimal("120.00"))
    assert_ledger_reconciles()


def test_a_bid_at_zero_holds_nothing_and_can_be_cancelled_or_halted(round_, buyer, management):
    order = bid(buyer, round_, 5, "0.00")
    assert holding(buyer) == (Decimal("1000.00"), Decimal("0.00"))
    orders.order_cancel(user=buyer, order_id=order.pk)
    bid(buyer, round_, 5, "0.00")
    markets.market_halt(market_id=round_.market_id, by=management, reason="test")
    assert Order.objects.filter(state="cancelled").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bid_and_an_ask_racing_from_one_division_never_both_stand():
    """Buying and selling lock different accounts, so only the round lock keeps them apart."""
    import threading

    from django.db import connections

    both = 0
    for _ in range(8):
        round_ = factories.open_round()
        lead = factories.trader(units=50, asset=round_.market.asset)
        barrier = threading.Barrier(2)

        def place(side, round_=round_, lead=lead, barrier=barrier):
            try:
                barrier.wait()
                (bid if side == "buy" else ask)(lead, round_, 1, "1.00")
            except MarketError:
                pass
            finally:
                connections.close_all()

        threads = [threading.Thread(target=place, args=(side,)) for side in ("buy", "sell")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sides = set(Order.objects.filter(round=round_, state="open").values_list("side", flat=True))
        both += sides == {"buy", "sell"}
        assert_ledger_reconciles()
    assert both == 0
