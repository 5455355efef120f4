"""The settling worker's column path (PostgreSQL) gives what the object path gives.

On PostgreSQL a round is read straight into the engine's arrays and its fills, events and order
states are written in bulk (market/services/clearing_sql.py); other backends, rounds with
guaranteed minimums and books the columns cannot hold go through ``clearing.clear`` on ``Order``
objects. Both paths are run here on the same round (the first rolled back) and compared.
"""

import random
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events.models import Event
from market.ids import PATTERN, new_public_ids
from market.models import Fill, Order, Round
from market.services import rounds
from oversight.models import ClearingInputs
from tests import factories
from tests.factories import ask, bid
from tests.invariants import assert_ledger_reconciles


def _market_book(n_buyers=4, n_sellers=4, *, orders=12, seed=3, floor=None, cap=None):
    """A round with many orders on few price levels (pro rata at the margin, partial fills)."""
    round_ = factories.open_round()
    asset = round_.market.asset
    rng = random.Random(seed)
    buyers = [factories.trader(Decimal(10_000)) for _ in range(n_buyers)]
    sellers = [factories.trader(Decimal(0), units=500, asset=asset) for _ in range(n_sellers)]
    for i in range(orders):
        bid(buyers[i % n_buyers], round_, rng.randint(1, 9), f"{rng.choice([2.9, 3.0, 3.1])}0")
        ask(sellers[i % n_sellers], round_, rng.randint(1, 9), f"{rng.choice([2.9, 3.0, 3.1])}0")
    if floor is not None or cap is not None:  # as if management had set them on the round
        Round.objects.filter(pk=round_.pk).update(floor=floor, cap=cap)
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    return round_


def _outcome(round_id):
    """Everything clearing records, by order (ids stay; public ids are random, checked apart)."""
    round_ = Round.objects.get(pk=round_id)
    fills = {
        f.order_id: (f.division_id, f.side, f.quantity, f.price, f.amount)
        for f in Fill.objects.filter(round_id=round_id)
    }
    public = dict(Fill.objects.filter(round_id=round_id).values_list("order_id", "public_id"))
    order_public = dict(Order.objects.filter(round_id=round_id).values_list("id", "public_id"))
    events = []
    for event in Event.objects.filter(kind="order.filled").order_by("id"):
        data = dict(event.data)
        assert data.pop("fill") == public[event.subject_id]
        assert data.pop("order") == order_public[event.subject_id]
        events.append((event.division_id, event.subject_type_id, event.subject_id, data))
    inputs = ClearingInputs.objects.get(round_id=round_id)
    return {
        "round": (
            round_.state,
            round_.price,
            round_.volume,
            round_.price_low,
            round_.price_high,
            round_.demand,
            round_.supply,
        ),
        "states": dict(Order.objects.filter(round_id=round_id).values_list("id", "state")),
        "fills": fills,
        "fill order": list(
            Fill.objects.filter(round_id=round_id).order_by("id").values_list("order_id", flat=True)
        ),
        "events": events,
        "inputs": (inputs.rule, inputs.tick, inputs.floor, inputs.cap, inputs.orders),
        "book": inputs.book,
        "guarantees": inputs.guarantees,
        "public ids": list(public.values()),
    }


def _both_paths(round_, monkeypatch):
    """The round cleared by the column path (then rolled back) and by the object path."""
    with transaction.atomic():
        assert rounds.round_clear(round_id=round_.pk)
        columns = _outcome(round_.pk)
        transaction.set_rollback(True)
    with monkeypatch.context() as patch:
        patch.setattr(rounds, "_clear_columns", lambda round_: None)
        assert rounds.round_clear(round_id=round_.pk)
    objects = _outcome(round_.pk)
    for outcome in (columns, objects):
        ids = outcome.pop("public ids")
        assert all(re.fullmatch(PATTERN, i) for i in ids)
        assert len(set(ids)) == len(ids)
    return columns, objects


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_column_path_records_what_the_object_path_records(monkeypatch):
    round_ = _market_book()
    # when
    columns, objects = _both_paths(round_, monkeypatch)
    # then: the same price, curves, fills, order states, events and stored inputs
    assert columns == objects
    assert columns["fills"], "the book was meant to trade"
    assert sorted(set(columns["states"].values())) == ["filled", "partial", "unfilled"]
    assert columns["inputs"][-1] == 24
    assert columns["guarantees"] == {"left": []}


@pytest.mark.postgres
@pytest.mark.django_db
def test_floor_and_cap_apply_on_the_column_path(monkeypatch):
    round_ = _market_book(floor=Decimal("2.95"), cap=Decimal("3.05"), seed=5)
    # when
    columns, objects = _both_paths(round_, monkeypatch)
    # then
    assert columns == objects
    assert Decimal("2.95") <= columns["round"][1] <= Decimal("3.05")


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_round_without_trades_clears_alike_on_both_paths(monkeypatch):
    round_ = factories.open_round()
    buyer = factories.trader(Decimal(100))
    seller = factories.trader(Decimal(0), units=5, asset=round_.market.asset)
    bid(buyer, round_, 5, "2.00")
    ask(seller, round_, 5, "3.00")
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    # when
    columns, objects = _both_paths(round_, monkeypatch)
    # then
    assert columns == objects
    assert columns["round"][1:3] == (None, 0)
    assert set(columns["states"].values()) == {"unfilled"}


def _statements_to_finish(round_):
    ContentType.objects.clear_cache()  # each round starts with the same cold caches
    with CaptureQueriesContext(connection) as clear:
        rounds.round_clear(round_id=round_.pk)
    with CaptureQueriesContext(connection) as settle:
        rounds.round_settle(round_id=round_.pk)
    return len(clear.captured_queries), len(settle.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db
def test_clearing_and_settling_take_as_many_statements_for_many_orders_as_for_few():
    few = _market_book(n_buyers=2, n_sellers=2, orders=4, seed=1)
    many = _market_book(n_buyers=6, n_sellers=6, orders=30, seed=1)
    # when
    counted_few = _statements_to_finish(few)
    counted_many = _statements_to_finish(many)
    # then: no statement per order, fill or division (accounts read in one query)
    assert counted_few == counted_many
    assert Round.objects.get(pk=many.pk).state == "settled"
    assert_ledger_reconciles()


@pytest.mark.postgres
@pytest.mark.django_db
def test_clearing_moves_every_order_out_of_open_without_touching_an_index():
    round_ = _market_book(orders=30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'market_order'::regclass")
        assert cursor.fetchone()[0] == ["fillfactor=50"]
    # when
    rounds.round_clear(round_id=round_.pk)
    # then: each order's new version stayed on its page (heap-only, this transaction's counts)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(c.oid), pg_stat_get_xact_tuples_hot_updated("
            "c.oid) FROM pg_class c WHERE c.oid = 'market_order'::regclass"
        )
        updated, heap_only = cursor.fetchone()
    assert updated == heap_only >= 60
    assert not Order.objects.filter(round=round_, state="open").exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_stored_books_are_written_with_lz4():
    # 5 MB of JSON for 100k orders; pglz took 0.21 s of the clearing transaction, lz4 0.13 s
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'oversight_clearinginputs'::regclass AND attname = 'book'"
        )
        assert cursor.fetchone()[0] == "l"


def test_new_public_ids_are_random_ids_of_the_public_alphabet():
    ids = new_public_ids(2000)
    assert len(ids) == 2000
    assert len(set(ids)) == 2000
    assert all(re.fullmatch(PATTERN, i) for i in ids)
    assert new_public_ids(0) == []
