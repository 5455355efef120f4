"""The columnar entry of the clearing engine, and both entries against the old engine.

``tests/market/clearing_reference.py`` is the per-order pure-Python engine that was the
SPEC §7 contract before the columnar rewrite; every random book is cleared three ways
(the reference, ``clear`` on ``Order`` objects, ``clear_book`` on arrays built here
directly) and the results must agree exactly.
"""

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.clearing import ClearingError, Order, clear
from market.clearing_columns import Book, BookError, clear_book
from tests.market import clearing_reference as reference

D = Decimal


def book_of(rows):
    """A Book from (id, buy, quantity, ticks, seq) rows."""
    ids, buy, quantity, ticks, seq = zip(*rows, strict=True) if rows else ([],) * 5
    return Book(
        ids=np.array(ids, dtype=np.int64),
        buy=np.array(buy, dtype=bool),
        quantity=np.array(quantity, dtype=np.int64),
        ticks=np.array(ticks, dtype=np.int64),
        seq=np.array(seq, dtype=np.int64),
    )


def fields(result):
    """A Clearing's fields (the reference engine has its own Clearing class)."""
    return (
        result.price,
        result.volume,
        result.fills,
        result.demand,
        result.supply,
        result.low,
        result.high,
    )


def cents(ticks):
    return D(ticks).scaleb(-2)


# ---------------------------------------------------------------- hand-worked rounds


def test_a_book_of_arrays_clears_like_the_hand_worked_round():
    # b1 10 @ 3.00, b2 5 @ 2.50, s1 8 @ 2.00, s2 10 @ 2.80 (see test_clearing.py)
    book = book_of(
        [(1, True, 10, 300, 0), (2, True, 5, 250, 0), (3, False, 8, 200, 0), (4, False, 10, 280, 0)]
    )

    result = clear_book(book)

    assert (result.price, result.volume, result.low, result.high) == (290, 10, 280, 300)
    assert result.filled.tolist() == [10, 0, 8, 2]
    assert [a.tolist() for a in result.demand] == [[300, 250], [10, 15]]
    assert [a.tolist() for a in result.supply] == [[200, 280], [8, 18]]


def test_the_margin_goes_by_largest_remainder_then_seq_then_id():
    # 3 units left for ten at 2.00: big 4 (1.2), c/a/b 2 each (0.6); seq 2, 2, 1
    book = book_of(
        [
            (1, True, 7, 500, 0),
            (2, False, 4, 100, 0),
            (30, False, 4, 200, 0),
            (13, False, 2, 200, 2),
            (11, False, 2, 200, 2),
            (12, False, 2, 200, 1),
        ]
    )

    assert clear_book(book).filled.tolist() == [7, 4, 1, 0, 1, 1]


@pytest.mark.parametrize(
    ("rows", "message", "position"),
    [
        ([(7, True, 0, 100, 0)], "order 7: quantity 0 is not a positive int", 0),
        ([(1, True, 1, 100, 0), (7, False, 1, -5, 0)], "order 7: ticks -5 is negative", 1),
        (
            [(7, True, 1, 100, 0), (3, True, 1, 100, 0), (7, False, 1, 90, 0)],
            "order 7: duplicate id",
            2,
        ),
    ],
)
def test_an_invalid_order_in_the_columns_is_named(rows, message, position):
    with pytest.raises(BookError) as error:
        clear_book(book_of(rows))

    assert (str(error.value), error.value.position) == (message, position)


def test_columns_of_the_wrong_kind_are_refused():
    good = book_of([(1, True, 1, 100, 0)])
    floats = Book(good.ids, good.buy, good.quantity, good.ticks.astype(float), good.seq)
    short = Book(good.ids, good.buy[:0], good.quantity, good.ticks, good.seq)

    with pytest.raises(BookError, match="column ticks has dtype float64"):
        clear_book(floats)
    with pytest.raises(BookError, match="column buy is not a 1-d array of 1 entries"):
        clear_book(short)
    with pytest.raises(BookError, match="floor 5 is above cap 4"):
        clear_book(good, floor=5, cap=4)


def test_numbers_beyond_int64_clear_exactly():
    big = 10**30
    orders = [
        Order(1, "buy", big, D("3.00")),
        Order(2, "buy", big + 1, D("3.00"), seq=1),
        Order(3, "sell", big + 3, D("1.00")),
        Order(4, "sell", 1, D(10**25)),
    ]

    assert fields(clear(orders)) == fields(reference.clear(orders))
    assert clear(orders).fills == {1: big // 2 + 1, 2: big // 2 + 2, 3: big + 3}


def test_an_invalid_order_is_named_as_before():
    orders = [Order(1, "buy", 1, D("1.00")), Order(2, "sell", 0, D("1.00"))]

    with pytest.raises(ClearingError, match="order 2: quantity 0 is not a positive int"):
        clear(orders)


# ------------------------------------------------------------------------ properties


@st.composite
def books(draw):
    """Random books: few or many price levels, crowded marginal levels, tied seqs.

    ``spread`` sets how many ticks the limits span: small spreads put many orders on
    each level (pro-rata ties, equal remainders); a spread far above the order count
    gives one order per level and takes the sort path instead of bincount.
    """
    spread = draw(st.sampled_from([1, 3, 30, 10**6]))
    base = draw(st.integers(0, 500))
    n = draw(st.integers(0, 60))
    qty = st.integers(1, draw(st.sampled_from([1, 4, 50])))
    ids = draw(st.lists(st.integers(-(10**6), 10**6), min_size=n, max_size=n, unique=True))
    rows = [
        (
            order_id,
            draw(st.booleans()),
            draw(qty),
            base + draw(st.integers(0, spread)),
            draw(st.integers(0, 2)),
        )
        for order_id in ids
    ]
    bounds = sorted([base + draw(st.integers(-2, spread + 2)) for _ in range(2)])
    floor = max(bounds[0], 0) if draw(st.booleans()) else None
    cap = max(bounds[1], 0) if draw(st.booleans()) else None
    return rows, floor, cap, draw(st.sampled_from(["midpoint", "pay_as_clear"]))


def as_orders(rows):
    return [Order(i, "buy" if b else "sell", q, cents(t), s) for i, b, q, t, s in rows]


@settings(max_examples=500, deadline=None)
@given(books())
def test_both_entries_give_what_the_reference_engine_gives(case):
    rows, floor, cap, rule = case
    floor_d = None if floor is None else cents(floor)
    cap_d = None if cap is None else cents(cap)
    orders = as_orders(rows)

    expected = reference.clear(orders, rule=rule, floor=floor_d, cap=cap_d)
    by_objects = clear(orders, rule=rule, floor=floor_d, cap=cap_d)
    by_columns = clear_book(book_of(rows), rule=rule, floor=floor, cap=cap)

    assert fields(by_objects) == fields(expected)
    assert by_columns.volume == expected.volume
    for ticks, price in [
        (by_columns.price, expected.price),
        (by_columns.low, expected.low),
        (by_columns.high, expected.high),
    ]:
        assert (None if ticks is None else cents(ticks)) == price
    fills = {row[0]: units for row, units in zip(rows, by_columns.filled.tolist(), strict=True)}
    assert {k: v for k, v in fills.items() if v} == expected.fills
    demand = [(cents(t), u) for t, u in zip(*(a.tolist() for a in by_columns.demand), strict=True)]
    supply = [(cents(t), u) for t, u in zip(*(a.tolist() for a in by_columns.supply), strict=True)]
    assert (demand, supply) == (expected.demand, expected.supply)


@settings(max_examples=200, deadline=None)
@given(books(), st.randoms(use_true_random=False))
def test_the_columns_do_not_depend_on_the_order_of_the_rows(case, random):
    rows, floor, cap, rule = case
    shuffled = rows[:]
    random.shuffle(shuffled)

    first = clear_book(book_of(rows), rule=rule, floor=floor, cap=cap)
    second = clear_book(book_of(shuffled), rule=rule, floor=floor, cap=cap)

    def fills(rows_, result):
        return dict(zip((r[0] for r in rows_), result.filled.tolist(), strict=True))

    assert (first.price, first.volume) == (second.price, second.volume)
    assert fills(rows, first) == fills(shuffled, second)


ODD_IDS = st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=3))  # beyond int64 too


@settings(max_examples=200, deadline=None)
@given(books(), st.data())
def test_ids_of_any_type_tie_break_as_the_reference_does(case, data):
    rows, floor, cap, rule = case
    ids = data.draw(st.lists(ODD_IDS, min_size=len(rows), max_size=len(rows), unique=True))
    orders = [
        Order(i, o.side, o.quantity, o.limit, o.seq)
        for i, o in zip(ids, as_orders(rows), strict=True)
    ]
    floor_d = None if floor is None else cents(floor)

    result = clear(orders, rule=rule, floor=floor_d)

    assert fields(result) == fields(reference.clear(orders, rule=rule, floor=floor_d))
