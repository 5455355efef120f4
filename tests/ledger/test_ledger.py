import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import services as ledger
from ledger.models import Entry, LedgerTransaction
from market.errors import InsufficientFunds, MarketError
from market.selectors import asset_totals, division_holdings
from tests import factories
from tests.invariants import assert_ledger_reconciles


def credits_of(division):
    holdings = {h.asset.code: h for h in division_holdings(division=division)}
    return holdings.get("credits")


def test_grant_shows_as_available_credits(division, management):
    # when
    ledger.credits_grant(division=division, amount="250.50", by=management, memo="Q1 budget")
    # then
    credits = credits_of(division)
    assert (credits.available, credits.held) == (Decimal("250.50"), Decimal("0.00"))
    txn = LedgerTransaction.objects.get(reason="grant")
    assert txn.created_by == management
    assert txn.memo == "Q1 budget"
    assert asset_totals() == {"credits": Decimal("0.00")}


def test_hold_moves_available_to_held_and_release_gives_it_back(division):
    factories.funded(division, Decimal(100))
    credits = ledger.credits_asset()
    ledger.hold(division=division, asset=credits, amount=30)
    assert (credits_of(division).available, credits_of(division).held) == (70, 30)
    ledger.release(division=division, asset=credits, amount=10)
    assert (credits_of(division).available, credits_of(division).held) == (80, 20)


def test_hold_beyond_available_is_refused_with_a_clear_message(division):
    factories.funded(division, Decimal(100))
    with pytest.raises(InsufficientFunds, match=r"has 100.00 credits available, needs 100.01"):
        ledger.hold(division=division, asset=ledger.credits_asset(), amount="100.01")
    assert credits_of(division).available == 100


def test_release_beyond_held_is_refused(division):
    factories.funded(division, Decimal(100))
    with pytest.raises(InsufficientFunds, match="held in escrow"):
        ledger.release(division=division, asset=ledger.credits_asset(), amount=1)


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "must be positive"), ("-5", "must be positive"), ("1.001", "decimal places")],
)
def test_bad_amounts_are_refused(division, amount, message):
    with pytest.raises(MarketError, match=message):
        ledger.credits_grant(division=division, amount=amount, by=None)


def test_mint_needs_whole_units_and_a_resource(division):
    asset = factories.GpuAssetFactory()
    with pytest.raises(MarketError, match="whole numbers"):
        ledger.units_mint(division=division, asset=asset, quantity="1.5", by=None)
    with pytest.raises(MarketError, match="granted, not minted"):
        ledger.units_mint(division=division, asset=ledger.credits_asset(), quantity=1, by=None)
    ledger.units_mint(division=division, asset=asset, quantity=8, by=None)
    assert asset_totals()[asset.code] == 0


def test_transfer_cannot_overdraw(division, other_division):
    factories.funded(division, Decimal(10))
    with pytest.raises(InsufficientFunds):
        ledger.transfer(
            source=division, target=other_division, asset=ledger.credits_asset(), amount=11, by=None
        )
    ledger.transfer(
        source=division, target=other_division, asset=ledger.credits_asset(), amount=10, by=None
    )
    assert credits_of(other_division).available == 10


def test_a_keyed_transaction_posts_once(division):
    first = ledger.credits_grant(division=division, amount=5, by=None, key="once")
    again = ledger.credits_grant(division=division, amount=5, by=None, key="once")
    assert first.pk == again.pk
    assert credits_of(division).available == 5


def test_entries_cannot_be_changed_or_deleted(division):
    factories.funded(division, Decimal(10))
    entry = Entry.objects.first()
    entry.amount = Decimal(99)
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        Entry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(ValueError, match="append-only"):
        Entry.objects.all().delete()
    txn = LedgerTransaction.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        txn.delete()
    txn.memo = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        txn.save()


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE ledger_entry SET amount = 1", "DELETE FROM ledger_entry"])
def test_postgres_itself_refuses_to_change_entries(division, sql):
    factories.funded(division, Decimal(10))
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert credits_of(division).available == 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_holds_never_overdraw():
    # given: an account that covers exactly half of 32 simultaneous holds
    division = factories.funded(factories.DivisionFactory(), Decimal(160))
    credits = ledger.credits_asset()
    ledger.hold(division=division, asset=credits, amount=1)  # accounts exist before the race
    ledger.release(division=division, asset=credits, amount=1)
    barrier = threading.Barrier(32)
    outcomes: list[str] = []

    def try_hold():
        try:
            barrier.wait()
            ledger.hold(division=division, asset=credits, amount=10)
            outcomes.append("held")
        except InsufficientFunds as error:
            outcomes.append(error.message)
        try:
            assert_ledger_reconciles()  # while the others post: one consistent snapshot
        except AssertionError as error:
            outcomes.append(f"unreconciled: {error}")
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=try_hold) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert outcomes.count("held") == 16
    refusals = [o for o in outcomes if o != "held"]
    assert len(refusals) == 16
    assert all(r.startswith("Insufficient funds: ") for r in refusals)
    assert (credits_of(division).available, credits_of(division).held) == (0, 160)
    assert_ledger_reconciles()


def apply(name, division, other, asset, gpu, amount):
    if name == "grant":
        ledger.credits_grant(division=division, amount=amount, by=None)
    elif name == "mint":
        ledger.units_mint(division=division, asset=gpu, quantity=amount, by=None)
    elif name == "hold":
        ledger.hold(division=division, asset=asset, amount=amount)
    elif name == "release":
        ledger.release(division=division, asset=asset, amount=amount)
    else:
        ledger.transfer(source=division, target=other, asset=asset, amount=amount, by=None)


operations = st.lists(
    st.tuples(
        st.sampled_from(["grant", "mint", "hold", "release", "transfer"]),
        st.integers(min_value=0, max_value=1),
        st.integers(min_value=1, max_value=50),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_every_asset_sums_to_zero_after_any_operations(ops):
    divisions = [factories.DivisionFactory(), factories.DivisionFactory()]
    gpu = factories.GpuAssetFactory()
    for name, who, amount in ops:
        division, other = divisions[who], divisions[1 - who]
        asset = gpu if amount % 2 else ledger.credits_asset()
        with contextlib.suppress(InsufficientFunds):
            apply(name, division, other, asset, gpu, amount)
        for d in divisions:
            for holding in division_holdings(division=d):
                assert holding.available >= 0
                assert holding.held >= 0
        assert_ledger_reconciles()
    assert all(total == 0 for total in asset_totals().values())
