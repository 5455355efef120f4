"""The pure replay: the same engine on a stored book, under other parameters."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from market.clearing import Order, clear
from oversight.replay import BookOrder, Params, book_from_columns, book_to_columns, replay

D = Decimal
PARAMS = Params(rule="midpoint", floor=None, cap=None, tick=D("0.01"))

prices = st.integers(min_value=0, max_value=400).map(lambda cents: D(cents) / 100)


@st.composite
def books(draw):
    size = draw(st.integers(min_value=0, max_value=30))
    return [
        BookOrder(
            id=i + 1,
            side=draw(st.sampled_from(["buy", "sell"])),
            quantity=draw(st.integers(min_value=1, max_value=50)),
            limit=draw(prices).quantize(D("0.01")),
            seq=draw(st.integers(min_value=0, max_value=5)),
            division=draw(st.integers(min_value=1, max_value=4)),
        )
        for i in range(size)
    ]


@st.composite
def params(draw):
    floor = draw(st.none() | prices)
    cap = draw(st.none() | prices)
    if floor is not None and cap is not None and floor > cap:
        floor, cap = cap, floor
    rule = draw(st.sampled_from(["midpoint", "pay_as_clear"]))
    return Params(rule=rule, floor=floor, cap=cap, tick=D("0.01"))


def engine(book, p):
    orders = [Order(o.id, o.side, o.quantity, o.limit, o.seq) for o in book]
    return clear(orders, rule=p.rule, floor=p.floor, cap=p.cap, tick=p.tick)


@settings(max_examples=200, deadline=None)
@given(books(), params())
def test_replay_with_the_rounds_own_parameters_is_the_engine_itself(book, p):
    result, again = engine(book, p), replay(book, p)

    assert (again.price, again.volume, again.fills) == (result.price, result.volume, result.fills)
    assert sum(again.bought.values()) == sum(again.sold.values()) == result.volume


@settings(max_examples=200, deadline=None)
@given(books(), params())
def test_welfare_is_the_gains_from_trade_at_the_clearing_price(book, p):
    outcome = replay(book, p)

    gains = sum(
        (o.limit - outcome.price if o.side == "buy" else outcome.price - o.limit)
        * outcome.fills.get(o.id, 0)
        for o in book
        if outcome.fills.get(o.id)
    )
    assert outcome.welfare == gains
    assert outcome.welfare >= 0


@settings(max_examples=200, deadline=None)
@given(books(), st.sets(st.integers(min_value=1, max_value=4)))
def test_a_removed_division_trades_nothing_and_the_rest_clear_as_a_book_without_it(book, gone):
    outcome = replay(book, PARAMS, without=gone)
    rest = [o for o in book if o.division not in gone]

    assert not (set(outcome.bought) | set(outcome.sold)) & gone
    assert outcome.fills == replay(rest, PARAMS).fills


@settings(max_examples=200, deadline=None)
@given(books())
def test_the_rule_moves_the_price_but_not_who_trades_nor_welfare(book):
    midpoint = replay(book, PARAMS)
    pay_as_clear = replay(book, PARAMS.but(rule="pay_as_clear"))

    assert midpoint.fills == pay_as_clear.fills
    assert midpoint.welfare == pay_as_clear.welfare
    if midpoint.price is not None:
        assert pay_as_clear.price <= midpoint.price


@given(books())
def test_the_stored_columns_give_back_the_same_book(book):
    assert book_from_columns(book_to_columns(book)) == book


def test_a_cap_below_the_asks_stops_all_trade():
    book = [BookOrder(1, "buy", 5, D("3.00"), 0, 1), BookOrder(2, "sell", 5, D("2.00"), 0, 2)]

    assert replay(book, PARAMS).price == D("2.50")
    assert replay(book, PARAMS.but(cap=D("1.50"))).volume == 0
