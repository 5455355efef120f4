"""The pure guarantee rule, property-tested like the clearing engine."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from market.clearing import Order as EngineOrder
from market.clearing import clear
from oversight.guarantees import Guarantee, clear_guaranteed
from oversight.replay import BookOrder
from tests.oversight.test_replay_engine import books, params

D = Decimal


@st.composite
def guarantees(draw):
    divisions = draw(st.sets(st.integers(min_value=1, max_value=4), max_size=3))
    return [
        Guarantee(
            division=d,
            units=draw(st.integers(min_value=0, max_value=60)),
            price=draw(
                st.none() | st.integers(min_value=0, max_value=400).map(lambda c: D(c) / 100)
            ),
        )
        for d in sorted(divisions)
    ]


def run(book, gs, p):
    return clear_guaranteed(book, gs, rule=p.rule, floor=p.floor, cap=p.cap, tick=p.tick)


@settings(max_examples=300, deadline=None)
@given(books(), guarantees(), params())
def test_units_and_credits_are_conserved_and_nobody_trades_past_a_limit(book, gs, p):
    result = run(book, gs, p)
    by_id = {o.id: o for o in book}

    bought = sum(u for i, u in result.fills.items() if by_id[i].side == "buy")
    sold = sum(u for i, u in result.fills.items() if by_id[i].side == "sell")
    paid = sum(a for i, a in result.amounts.items() if by_id[i].side == "buy")
    received = sum(a for i, a in result.amounts.items() if by_id[i].side == "sell")
    assert bought == sold == result.volume
    assert paid == received
    for order_id, units in result.fills.items():
        order = by_id[order_id]
        assert 0 < units <= order.quantity
        if order.side == "buy":
            assert result.amounts[order_id] <= order.limit * units
        else:
            assert result.amounts[order_id] >= order.limit * units


@settings(max_examples=300, deadline=None)
@given(books(), guarantees(), params())
def test_no_division_gets_more_than_what_is_left_of_its_guarantee_or_what_it_bid(book, gs, p):
    result = run(book, gs, p)

    for g in gs:
        bid = sum(o.quantity for o in book if o.division == g.division and o.side == "buy")
        assert result.delivered.get(g.division, 0) <= min(g.units, bid)
    assert set(result.delivered) <= {g.division for g in gs if g.units > 0}


@settings(max_examples=200, deadline=None)
@given(books(), params())
def test_without_guarantees_the_round_clears_as_the_engine_clears_it(book, p):
    result = run(book, [], p)
    orders = [EngineOrder(o.id, o.side, o.quantity, o.limit, o.seq) for o in book]
    plain = clear(orders, rule=p.rule, floor=p.floor, cap=p.cap, tick=p.tick)

    assert (result.price, result.volume, result.fills) == (plain.price, plain.volume, plain.fills)
    assert result.delivered == {}


@settings(max_examples=200, deadline=None)
@given(books(), guarantees(), params(), st.randoms())
def test_the_same_book_in_any_order_gives_the_same_result(book, gs, p, rnd):
    shuffled = list(book)
    rnd.shuffle(shuffled)

    assert run(shuffled, list(reversed(gs)), p) == run(book, gs, p)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=3),
    st.integers(min_value=0, max_value=100),
)
def test_a_guarantee_is_served_in_full_when_supply_suffices_however_high_others_bid(wants, supply):
    # a guaranteed division bids at 1.00; a rival bids 9.99 for everything
    book = [BookOrder(100 + d, "buy", want, D("1.00"), 0, d) for d, want in enumerate(wants, 1)]
    book += [
        BookOrder(1, "buy", 1000, D("9.99"), 0, 9),
        BookOrder(2, "sell", supply, D("0.50"), 0, 8),
    ]
    gs = [Guarantee(d, want) for d, want in enumerate(wants, 1)]

    result = clear_guaranteed(book, gs)

    if sum(wants) <= supply:
        assert all(result.delivered[d] == w for d, w in enumerate(wants, 1))
    else:  # shortage: pro rata, to the unit
        assert sum(result.delivered.values()) == supply
        for d, want in enumerate(wants, 1):
            assert abs(result.delivered.get(d, 0) - supply * want / sum(wants)) < 1


def test_a_hand_worked_round_with_a_guarantee():
    # supply 10 @ 2.00; the assistant (division 1) is guaranteed 4 and bids 4 @ 3.00;
    # a rival bids 10 @ 5.00. Without the guarantee the rival takes all 10.
    book = [
        BookOrder(1, "buy", 4, D("3.00"), 0, 1),
        BookOrder(2, "buy", 10, D("5.00"), 0, 2),
        BookOrder(3, "sell", 10, D("2.00"), 0, 3),
    ]
    plain = clear_guaranteed(book, [])
    assert plain.fills == {2: 10, 3: 10}

    result = clear_guaranteed(book, [Guarantee(1, 4)])

    # the rest: 10 @ 5.00 against 6 @ 2.00 -> 6 units at the midpoint 3.50; the guaranteed 4
    # units cost P = 3.50 clipped to the assistant's own limit 3.00
    assert result.delivered == {1: 4}
    assert result.prices == {1: D("3.00")}
    assert (result.price, result.volume) == (D("3.50"), 10)
    assert result.fills == {1: 4, 2: 6, 3: 10}
    assert result.amounts == {1: D("12.00"), 2: D("21.00"), 3: D("33.00")}

    fixed = clear_guaranteed(book, [Guarantee(1, 4, D("2.50"))])
    assert fixed.amounts[1] == D("10.00")


def test_guaranteed_units_alone_take_the_rules_price_between_the_limits():
    book = [BookOrder(1, "buy", 4, D("3.00"), 0, 1), BookOrder(2, "sell", 4, D("2.00"), 0, 2)]

    result = clear_guaranteed(book, [Guarantee(1, 10)])

    assert result.auction.volume == 0
    assert (result.price, result.delivered) == (D("2.50"), {1: 4})


def test_random_books_are_deterministic():
    rnd = random.Random(7)
    book = [
        BookOrder(
            i,
            rnd.choice(["buy", "sell"]),
            rnd.randint(1, 9),
            D(rnd.randint(0, 300)) / 100,
            0,
            rnd.randint(1, 3),
        )
        for i in range(1, 40)
    ]
    gs = [Guarantee(1, 5), Guarantee(2, 7, D("1.00"))]
    assert clear_guaranteed(book, gs) == clear_guaranteed(list(reversed(book)), gs)
