"""The pure clearing engine: hand-worked rounds, validation, and properties."""

import dataclasses
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.clearing import ClearingError, Order, clear

D = Decimal
TICK = D("0.01")


def buy(id, quantity, limit, seq=0):
    return Order(id, "buy", quantity, D(limit), seq)


def sell(id, quantity, limit, seq=0):
    return Order(id, "sell", quantity, D(limit), seq)


# ---------------------------------------------------------------- hand-worked rounds

SIMPLE = [
    buy("b1", 10, "3.00"),
    buy("b2", 5, "2.50"),
    sell("s1", 8, "2.00"),
    sell("s2", 10, "2.80"),
]


def test_simple_cross_at_the_midpoint_of_the_clearing_interval():
    result = clear(SIMPLE)

    # min(D, S) is 8 on [2.00, 2.80) and 10 on [2.80, 3.00]
    assert (result.volume, result.low, result.high) == (10, D("2.80"), D("3.00"))
    assert result.price == D("2.90")
    assert result.fills == {"b1": 10, "s1": 8, "s2": 2}
    assert result.demand == [(D("3.00"), 10), (D("2.50"), 15)]
    assert result.supply == [(D("2.00"), 8), (D("2.80"), 18)]


def test_pay_as_clear_takes_the_lowest_clearing_price():
    result = clear(SIMPLE, rule="pay_as_clear")

    assert result.price == D("2.80")
    assert result.volume == 10
    assert result.fills == {"b1": 10, "s1": 8, "s2": 2}


@pytest.mark.parametrize(("ask", "price"), [("2.05", "2.02"), ("2.07", "2.04")])
def test_midpoint_rounds_half_even_to_the_tick(ask, price):
    # (2.00 + 2.05) / 2 = 2.025 -> 2.02 ; (2.00 + 2.07) / 2 = 2.035 -> 2.04
    result = clear([sell("s", 1, "2.00"), buy("b", 1, ask)])

    assert result.price == D(price)


def test_marginal_level_shares_pro_rata_by_largest_remainder_then_seq_then_id():
    # given: 7 units bid; asks fill 4 at 1.00, leaving 3 for the ten units at 2.00
    orders = [
        buy("B", 7, "5.00"),
        sell("x", 4, "1.00"),
        sell("big", 4, "2.00", seq=0),  # share 1.2
        sell("c", 2, "2.00", seq=2),  # share 0.6
        sell("a", 2, "2.00", seq=2),  # share 0.6
        sell("b", 2, "2.00", seq=1),  # share 0.6
    ]

    # when
    result = clear(orders)

    # then: floors give big 1; the 2 leftover units go to remainder 0.6 over big's 0.2
    # (although big has the lowest seq), among those to seq 1 (b), then to id a over c
    assert result.volume == 7
    assert result.fills == {"B": 7, "x": 4, "big": 1, "b": 1, "a": 1}


def test_ties_at_the_margin_compare_mixed_ids_deterministically():
    orders = [buy("B", 1, "2.00"), sell("7", 1, "1.00"), sell(7, 1, "1.00")]

    assert clear(orders).fills == {"B": 1, 7: 1}  # ("int", 7) < ("str", "7")
    assert clear(orders[::-1]).fills == {"B": 1, 7: 1}


def test_ties_between_ids_that_do_not_compare_fall_back_to_their_repr():
    orders = [buy("B", 1, "2.00"), sell(2j, 1, "1.00"), sell(1j, 1, "1.00")]

    assert clear(orders).fills == {"B": 1, 1j: 1}
    assert clear(orders[::-1]).fills == {"B": 1, 1j: 1}


def test_floor_binds_the_price_and_bids_below_it_never_trade():
    orders = [buy("b", 5, "3.00"), buy("low", 5, "2.40"), sell("s", 9, "2.00")]

    result = clear(orders, rule="pay_as_clear", floor=D("2.50"))

    assert (result.price, result.low, result.high) == (D("2.50"), D("2.50"), D("3.00"))
    assert result.fills == {"b": 5, "s": 5}
    assert clear(orders, rule="pay_as_clear").price == D("2.00")  # without the floor


def test_cap_binds_the_price_and_asks_above_it_never_trade():
    orders = [buy("b", 5, "4.00"), sell("s", 5, "3.00"), sell("high", 5, "3.60")]

    result = clear(orders, cap=D("3.50"))

    assert (result.price, result.low, result.high) == (D("3.25"), D("3.00"), D("3.50"))
    assert result.fills == {"b": 5, "s": 5}
    assert clear(orders).price == D("3.50")  # without the cap: midpoint of [3.00, 4.00]


def test_no_crossing_trades_nothing_but_still_reports_the_curves():
    result = clear([buy("b", 5, "2.00"), sell("s", 5, "3.00")])

    assert (result.price, result.volume, result.fills, result.low) == (None, 0, {}, None)
    assert (result.demand, result.supply) == ([(D("2.00"), 5)], [(D("3.00"), 5)])


@pytest.mark.parametrize(
    "orders", [[], [buy("b", 5, "2.00"), buy("c", 1, "3.00")], [sell("s", 5, "3.00")]]
)
def test_an_empty_side_trades_nothing(orders):
    result = clear(orders)

    assert (result.price, result.volume, result.fills) == (None, 0, {})


def test_the_same_price_written_differently_is_one_level():
    orders = [buy("b1", 2, "3"), buy("b2", 3, "3.00"), buy("b3", 1, "3.0"), sell("s", 2, "1")]

    result = clear(orders)

    assert result.demand == [(D("3.00"), 6)]
    assert result.fills == {"b1": 1, "b2": 1, "s": 2}  # 2 of 6 units: 0.67, 1, 0.33


def test_accepts_any_iterable_and_results_are_frozen():
    result = clear(iter(SIMPLE))

    assert result == clear(tuple(SIMPLE))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.price = D("1.00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        SIMPLE[0].quantity = 1


# ------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (buy("b7", 1, "1.005"), "order 'b7': limit 1.005 is not on the tick grid 0.01"),
        (Order("b7", "buy", 1, 1.5), "order 'b7': limit 1.5 is not a Decimal"),
        (buy("b7", 1, "-1.00"), "order 'b7': limit -1.00 is negative"),
        (buy("b7", 1, "NaN"), "order 'b7': limit NaN is not finite"),
        (buy("b7", 1, "Infinity"), "order 'b7': limit Infinity is not finite"),
        (buy("b7", 0, "1.00"), "order 'b7': quantity 0 is not a positive int"),
        (buy("b7", True, "1.00"), "order 'b7': quantity True is not a positive int"),
        (buy("b7", 1.0, "1.00"), "order 'b7': quantity 1.0 is not a positive int"),
        (Order("b7", "bid", 1, D("1.00")), "order 'b7': side 'bid' is not 'buy' or 'sell'"),
        (buy("b7", 1, "1.00", seq=None), "order 'b7': seq None is not an int"),
        (sell("b1", 1, "1.00"), "order 'b1': duplicate id"),
        (Order(["b7"], "buy", 1, D("1.00")), "order ['b7']: id is not hashable"),
    ],
)
def test_an_invalid_order_is_rejected_by_name(bad, message):
    with pytest.raises(ClearingError) as error:
        clear([*SIMPLE, bad])

    assert str(error.value) == message
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"rule": "vickrey"}, "unknown rule 'vickrey'"),
        ({"tick": D("0")}, "tick must be a positive finite Decimal"),
        ({"tick": 0.01}, "tick must be a positive finite Decimal"),
        ({"floor": D("2.001")}, "floor 2.001 is not on the tick grid 0.01"),
        ({"cap": D("Infinity")}, "cap Infinity is not finite"),
        ({"floor": D("3.00"), "cap": D("2.00")}, "floor 3.00 is above cap 2.00"),
    ],
)
def test_invalid_parameters_are_rejected(params, message):
    with pytest.raises(ClearingError, match=message.replace(".", r"\.")):
        clear(SIMPLE, **params)


# ------------------------------------------------------------------------ properties

CENTS = st.integers(100, 130)


def as_price(cents, plain):
    """``cents`` as a Decimal, either "1.10" or the shortest form "1.1"."""
    return D(cents) / 100 if plain else D(cents).scaleb(-2)


@st.composite
def rounds(draw):
    specs = st.lists(st.tuples(st.booleans(), st.integers(1, 20), CENTS, st.booleans()))
    orders = [
        Order(
            id=i if draw(st.booleans()) else f"o{i}",
            side="buy" if is_buy else "sell",
            quantity=quantity,
            limit=as_price(cents, plain),
            seq=draw(st.integers(0, 3)),
        )
        for i, (is_buy, quantity, cents, plain) in enumerate(draw(specs))
    ]
    bounds = sorted(draw(st.tuples(st.integers(95, 135), st.integers(95, 135))))
    floor = as_price(bounds[0], False) if draw(st.booleans()) else None
    cap = as_price(bounds[1], False) if draw(st.booleans()) else None
    return orders, floor, cap, draw(st.sampled_from(["midpoint", "pay_as_clear"]))


def brute_force(orders, floor, cap):
    """(Q*, L, U) by trying every price on the grid from 0.94 to 1.36 in [floor, cap]."""
    reached = {}
    for cents in range(94, 137):
        p = as_price(cents, False)
        if (floor is not None and p < floor) or (cap is not None and p > cap):
            continue
        demand = sum(o.quantity for o in orders if o.side == "buy" and o.limit >= p)
        supply = sum(o.quantity for o in orders if o.side == "sell" and o.limit <= p)
        reached[p] = min(demand, supply)
    best = max(reached.values())
    best_prices = [p for p, units in reached.items() if units == best]
    return best, min(best_prices), max(best_prices)


@settings(max_examples=400)
@given(rounds())
def test_clearing_is_feasible_maximal_and_priced_inside_the_interval(case):
    orders, floor, cap, rule = case

    result = clear(orders, rule=rule, floor=floor, cap=cap)

    volume, low, high = brute_force(orders, floor, cap)
    assert result.volume == volume
    bought = sum(result.fills.get(o.id, 0) for o in orders if o.side == "buy")
    sold = sum(result.fills.get(o.id, 0) for o in orders if o.side == "sell")
    assert bought == sold == volume
    if volume == 0:
        assert (result.price, result.fills, result.low, result.high) == (None, {}, None, None)
        return
    assert (result.low, result.high) == (low, high)
    midpoint = ((low + high) / 2).quantize(TICK, rounding=ROUND_HALF_EVEN)
    assert result.price == (low if rule == "pay_as_clear" else midpoint)
    assert result.price % TICK == 0
    assert floor is None or result.price >= floor
    assert cap is None or result.price <= cap
    by_id = {o.id: o for o in orders}
    for order_id, units in result.fills.items():
        order = by_id[order_id]
        assert 0 < units <= order.quantity
        if order.side == "buy":
            assert order.limit >= result.price
        else:
            assert order.limit <= result.price


@settings(max_examples=300)
@given(rounds(), st.randoms(use_true_random=False))
def test_allocation_is_price_priority_then_pro_rata_at_the_margin(case, random):
    orders, floor, cap, rule = case
    result = clear(orders, rule=rule, floor=floor, cap=cap)
    shuffled = orders[:]
    random.shuffle(shuffled)

    assert clear(shuffled, rule=rule, floor=floor, cap=cap) == result
    for side in ("buy", "sell"):
        mine = [o for o in orders if o.side == side]
        left = result.volume
        for limit in sorted({o.limit for o in mine}, reverse=side == "buy"):
            level = [o for o in mine if o.limit == limit]
            units = sum(o.quantity for o in level)
            share = min(left, units)
            ranked = []  # (remainder, seq, id) of each order; True if it got a leftover unit
            for order in level:
                whole, remainder = divmod(share * order.quantity, units)
                fill = result.fills.get(order.id, 0)
                assert abs(fill - D(share * order.quantity) / units) < 1
                id_key = (type(order.id).__name__, order.id)
                ranked.append(((-remainder, order.seq, id_key), fill > whole))
            assert sum(result.fills.get(o.id, 0) for o in level) == share
            got_extra = [extra for _, extra in sorted(ranked)]
            assert got_extra == sorted(got_extra, reverse=True)  # leftovers by largest remainder
            left -= share
        assert left == 0


@given(rounds())
def test_curves_are_cumulative_per_distinct_limit(case):
    orders, _, _, _ = case

    result = clear(orders)

    bid_limits = sorted({o.limit for o in orders if o.side == "buy"}, reverse=True)
    ask_limits = sorted({o.limit for o in orders if o.side == "sell"})
    assert result.demand == [
        (p, sum(o.quantity for o in orders if o.side == "buy" and o.limit >= p)) for p in bid_limits
    ]
    assert result.supply == [
        (p, sum(o.quantity for o in orders if o.side == "sell" and o.limit <= p))
        for p in ask_limits
    ]
    assert all(p.as_tuple().exponent == -2 for p, _ in result.demand + result.supply)
