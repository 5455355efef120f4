"""Order outcomes are told from the published curves; the engine itself checks the claims."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market import clearing
from market.selectors.outcomes import facts_of, order_outcome, round_lines

TICK = Decimal("0.01")


class Result:
    """What a cleared Round row publishes, built from the engine's result."""

    def __init__(self, result: clearing.Clearing, floor=None, cap=None):
        self.price, self.volume = result.price, result.volume
        self.price_low, self.price_high = result.low, result.high
        self.demand = [[str(p), u] for p, u in result.demand]
        self.supply = [[str(p), u] for p, u in result.supply]
        self.tick, self.floor, self.cap = TICK, floor, cap


def explain(orders, order_id, **limits):
    result = clearing.clear(orders, **limits)
    order = next(o for o in orders if o.id == order_id)
    facts = facts_of(Result(result, limits.get("floor"), limits.get("cap")))
    return order_outcome(
        facts,
        side=order.side,
        quantity=order.quantity,
        limit=order.limit,
        filled=result.fills.get(order_id, 0),
    )


def book(*rows):
    return [
        clearing.Order(i, side, qty, Decimal(limit), seq=i)
        for i, (side, qty, limit) in enumerate(rows, start=1)
    ]


def test_a_partly_filled_marginal_bid_says_it_shared_the_last_units_and_what_would_have_won():
    orders = book(("buy", 6, "3.00"), ("buy", 6, "2.50"), ("sell", 5, "2.00"), ("sell", 5, "2.40"))
    outcome = explain(orders, 2)
    assert (outcome.state, outcome.filled, outcome.needed) == ("partial", 4, Decimal("3.01"))
    assert outcome.lines[0] == (
        "Your limit 2.50 was the marginal bid: only 4 of the 6 units bid at that price could trade."
    )
    assert "a bid of 6 at 3.01 or more would have filled in full" in outcome.lines[1]
    assert "10 units were asked at or below that price and 0 bid above it" in outcome.lines[1]


def test_the_round_lines_name_the_marginal_prices_and_no_division():
    result = clearing.clear(
        book(("buy", 6, "3.00"), ("buy", 6, "2.50"), ("sell", 5, "2.00"), ("sell", 5, "2.40"))
    )
    lines = round_lines(facts_of(Result(result)))
    assert lines == [
        "10 units traded at 2.45 for every buyer and seller.",
        "Every price from 2.40 (the marginal ask) to 2.50 (the marginal bid) clears the volume; "
        "the clearing price is 2.45.",
    ]


def test_an_unfilled_bid_above_the_price_learns_that_higher_bids_took_everything():
    orders = book(("buy", 10, "5.00"), ("buy", 10, "4.00"), ("sell", 10, "1.00"))
    outcome = explain(orders, 2)
    assert outcome.state == "unfilled"
    assert outcome.lines[0] == (
        "Bids fill from the highest limit down; bids above your limit of 4.00 took all 10 units "
        "traded."
    )
    assert outcome.needed == Decimal("5.01")


def test_an_ask_that_found_no_buyer_learns_the_limit_it_needed():
    orders = book(("buy", 5, "2.00"), ("sell", 5, "2.50"))
    outcome = explain(orders, 2)
    assert (
        outcome.lines[0]
        == "Nothing traded: the highest bid (2.00) was below the lowest ask (2.50)."
    )
    assert outcome.needed == Decimal("2.00")
    assert "an ask of 5 at 2.00 or less would have filled in full" in outcome.lines[1]


def test_when_not_enough_was_offered_no_limit_is_promised():
    orders = book(("buy", 8, "3.00"), ("sell", 5, "1.00"))
    outcome = explain(orders, 1)
    assert (outcome.state, outcome.needed) == ("partial", None)
    assert outcome.lines[1] == (
        "With every other order unchanged, no bid ahead of the other bids within the round's "
        "floor and cap would have filled all 8 units."
    )


levels = st.integers(min_value=100, max_value=112).map(lambda t: Decimal(t) * TICK)
orders_strategy = st.lists(
    st.tuples(st.sampled_from(["buy", "sell"]), st.integers(1, 9), levels), min_size=1, max_size=9
)


@settings(max_examples=300, deadline=None)
@given(
    rows=orders_strategy,
    cap=st.sampled_from([None, Decimal("1.08"), Decimal("1.12")]),
    floor=st.sampled_from([None, Decimal("1.02")]),
)
def test_the_limit_said_to_fill_in_full_does_fill_in_full_and_one_tick_less_does_not(
    rows, cap, floor
):
    orders = [
        o
        for o in book(*rows)
        if (cap is None or o.limit <= cap) and (floor is None or o.limit >= floor)
    ]
    for order in orders:
        outcome = explain(orders, order.id, cap=cap, floor=floor)
        if outcome.state == "filled":
            continue
        others = {o.limit for o in orders if o.side == order.side and o.id != order.id}
        if outcome.needed is None:
            assert_no_limit_fills_in_full(orders, order, cap, floor)
            continue
        moved = [
            o
            if o.id != order.id
            else clearing.Order(o.id, o.side, o.quantity, outcome.needed, o.seq)
            for o in orders
        ]
        assert clearing.clear(moved, cap=cap, floor=floor).fills.get(order.id, 0) == order.quantity
        step = -TICK if order.side == "buy" else TICK
        closer = outcome.needed + step
        if (
            closer != order.limit
            and closer not in others
            and (
                (order.side == "buy" and closer > order.limit)
                or (order.side == "sell" and closer < order.limit)
            )
        ):
            moved = [
                o if o.id != order.id else clearing.Order(o.id, o.side, o.quantity, closer, o.seq)
                for o in orders
            ]
            assert (
                clearing.clear(moved, cap=cap, floor=floor).fills.get(order.id, 0) < order.quantity
            )


def assert_no_limit_fills_in_full(orders, order, cap, floor):
    others = {o.limit for o in orders if o.side == order.side and o.id != order.id}
    for ticks in range(95, 118):
        limit = Decimal(ticks) * TICK
        if (cap is not None and limit > cap) or (floor is not None and limit < floor):
            continue
        if limit in others:
            continue
        moved = [
            o if o.id != order.id else clearing.Order(o.id, o.side, o.quantity, limit, o.seq)
            for o in orders
        ]
        assert clearing.clear(moved, cap=cap, floor=floor).fills.get(order.id, 0) < order.quantity


@pytest.mark.parametrize(
    ("floor", "cap", "sentence"),
    [
        (None, None, "The marginal ask and the marginal bid met at 0.85"),
        (Decimal("0.85"), None, "The marginal ask and the marginal bid met at 0.85"),
        (None, Decimal("0.85"), "The marginal ask and the marginal bid met at 0.85"),
    ],
)
def test_an_ask_and_a_bid_at_one_price_read_as_one_sentence(floor, cap, sentence):
    from market.selectors.outcomes import RoundFacts

    curve = [(Decimal("0.85"), 10)]
    facts = RoundFacts(
        price=Decimal("0.85"),
        volume=10,
        low=Decimal("0.85"),
        high=Decimal("0.85"),
        demand=curve,
        supply=curve,
        tick=Decimal("0.01"),
        floor=floor,
        cap=cap,
    )
    line = round_lines(facts)[1]
    assert line.startswith(sentence), line
    assert "the the" not in line.lower()


def test_a_price_held_at_the_market_floor_says_so_once():
    from market.selectors.outcomes import RoundFacts

    facts = RoundFacts(
        price=Decimal("1.00"),
        volume=5,
        low=Decimal("1.00"),
        high=Decimal("1.00"),
        demand=[(Decimal("1.20"), 5)],
        supply=[(Decimal("0.50"), 5)],
        tick=Decimal("0.01"),
        floor=Decimal("1.00"),
        cap=Decimal("1.00"),
    )
    assert round_lines(facts)[1].startswith("The market floor and the market cap met at 1.00")
