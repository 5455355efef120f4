import threading
from decimal import Decimal

import pytest
from django.db import connections

from ledger import services as ledger
from ledger.models import LedgerTransaction
from market.models import Fill, Order, Round
from market.selectors import asset_totals, division_holdings
from market.services import rounds
from tests import factories
from tests.factories import ask, bid
from tests.invariants import assert_ledger_reconciles


def holdings(user):
    return {
        ("credits" if h.asset.is_credits else "units"): (h.available, h.held)
        for h in division_holdings(division=user.membership.division)
    }


def ledger_snapshot():
    return (LedgerTransaction.objects.count(), asset_totals(), list(Fill.objects.values()))


@pytest.fixture
def book(db):
    """Two buyers and two sellers in one open round of a midpoint market."""
    round_ = factories.open_round()
    asset = round_.market.asset
    b1, b2 = factories.trader(Decimal(100)), factories.trader(Decimal(100))
    s1 = factories.trader(Decimal(0), units=10, asset=asset)
    s2 = factories.trader(Decimal(0), units=10, asset=asset)
    bid(b1, round_, 6, "3.00")
    bid(b2, round_, 6, "2.50")
    ask(s1, round_, 5, "2.00")
    ask(s2, round_, 5, "2.40")
    return round_, b1, b2, s1, s2


def test_a_round_settles_at_one_price_with_escrow_released(book):
    round_, b1, b2, s1, s2 = book
    # when
    assert factories.close_and_finish(round_) == "settled"
    # then: D(2.40)=12, S(2.40)=10 -> Q*=10 on [2.40, 2.50]; midpoint 2.45 (half-even)
    assert (round_.price, round_.volume) == (Decimal("2.45"), 10)
    assert holdings(b1)["credits"] == (Decimal("85.30"), 0)  # 6 × 2.45 paid, 18 held, 3.30 back
    assert holdings(b1)["units"] == (6, 0)
    assert holdings(b2)["credits"] == (Decimal("90.20"), 0)  # 4 of 6 filled
    assert holdings(b2)["units"] == (4, 0)
    assert holdings(s1)["credits"] == (Decimal("12.25"), 0)
    assert holdings(s1)["units"] == (5, 0)
    assert holdings(s2)["credits"] == (Decimal("12.25"), 0)
    assert all(total == 0 for total in asset_totals().values())
    states = dict(Order.objects.values_list("division__name", "state"))
    assert sorted(states.values()) == ["filled", "filled", "filled", "partial"]


def test_the_result_keeps_both_curves_and_the_clearing_interval(book):
    round_ = book[0]
    factories.close_and_finish(round_)
    assert round_.demand == [["3.00", 6], ["2.50", 12]]
    assert round_.supply == [["2.00", 5], ["2.40", 10]]
    assert (round_.price_low, round_.price_high) == (Decimal("2.40"), Decimal("2.50"))
    assert Fill.objects.filter(round=round_).count() == 4


def test_settling_a_settled_round_changes_nothing(book):
    round_ = book[0]
    factories.close_and_finish(round_)
    before = ledger_snapshot()
    assert rounds.round_clear(round_id=round_.pk) is False
    assert rounds.round_settle(round_id=round_.pk) is False
    assert rounds.round_finish(round_id=round_.pk) == "settled"
    assert ledger_snapshot() == before


def test_a_failure_midway_through_settlement_leaves_everything_as_it_was(book, monkeypatch):
    round_ = book[0]
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    rounds.round_clear(round_id=round_.pk)
    before = ledger_snapshot()
    real_post = ledger.transaction_post

    def post_then_crash(**kwargs):
        real_post(**kwargs)
        raise RuntimeError("worker lost")

    monkeypatch.setattr(ledger, "transaction_post", post_then_crash)
    with pytest.raises(RuntimeError):
        rounds.round_settle(round_id=round_.pk)
    assert Round.objects.get(pk=round_.pk).state == "cleared"
    assert ledger_snapshot() == before
    # and the next attempt settles it exactly once
    monkeypatch.setattr(ledger, "transaction_post", real_post)
    assert rounds.round_finish(round_id=round_.pk) == "settled"
    assert LedgerTransaction.objects.filter(reason="trade").count() == 1


def test_a_failure_midway_through_clearing_leaves_the_round_closed(book, monkeypatch):
    round_ = book[0]
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)

    def crash(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Round, "save", crash)  # after fills and order states were written
    with pytest.raises(RuntimeError):
        rounds.round_clear(round_id=round_.pk)
    monkeypatch.undo()
    assert Round.objects.get(pk=round_.pk).state == "closed"
    assert not Fill.objects.exists()
    assert set(Order.objects.values_list("state", flat=True)) == {"open"}


def test_a_round_where_nothing_crosses_releases_every_hold(db):
    round_ = factories.open_round()
    buyer = factories.trader(Decimal(100))
    seller = factories.trader(Decimal(0), units=5, asset=round_.market.asset)
    bid(buyer, round_, 5, "1.00")
    ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    assert (round_.state, round_.price, round_.volume) == ("settled", None, 0)
    assert holdings(buyer)["credits"] == (Decimal(100), 0)
    assert holdings(seller)["units"] == (5, 0)


def test_an_empty_round_settles_with_no_ledger_transaction(db):
    round_ = factories.open_round()
    before = LedgerTransaction.objects.count()
    assert factories.close_and_finish(round_) == "settled"
    assert LedgerTransaction.objects.count() == before


def test_pay_as_clear_takes_the_low_end(db):
    round_ = factories.open_round(factories.MarketFactory(rule="pay_as_clear"))
    buyer = factories.trader(Decimal(100))
    seller = factories.trader(Decimal(0), units=5, asset=round_.market.asset)
    bid(buyer, round_, 5, "3.00")
    ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    assert round_.price == Decimal("2.00")


def test_the_next_round_is_scheduled_after_the_last(db):
    market = factories.MarketFactory(round_minutes=5, gap_minutes=1)
    first = factories.open_round(market)
    assert rounds.round_schedule_next(market_id=market.pk) is None  # one upcoming at a time
    factories.close_and_finish(first)
    second = rounds.round_schedule_next(market_id=market.pk, now=first.opens_at)
    assert second.number == 2
    assert (second.opens_at - first.closes_at).total_seconds() == 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_finishing_one_round_settle_it_once():
    round_ = factories.open_round()
    buyer = factories.trader(Decimal(100))
    seller = factories.trader(Decimal(0), units=5, asset=round_.market.asset)
    bid(buyer, round_, 5, "3.00")
    ask(seller, round_, 5, "2.00")
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    barrier = threading.Barrier(2)
    results = []

    def finish():
        try:
            barrier.wait()
            results.append(
                (rounds.round_clear(round_id=round_.pk), rounds.round_settle(round_id=round_.pk))
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # one worker clears and one settles; not always the same one (the clearing worker's
    # after-commit hooks may let the other reach the settlement first)
    assert sorted(cleared for cleared, _ in results) == [False, True]
    assert sorted(settled for _, settled in results) == [False, True]
    assert LedgerTransaction.objects.filter(reason="trade").count() == 1
    assert holdings(buyer)["units"] == (5, 0)
    assert_ledger_reconciles()
