"""Why an order in a cleared round filled as it did, told from the round's published result.

Only the round's aggregate curves, its price interval and the order itself are read: never
another division's orders, so an explanation can be shown to the order's division safely.

The limit an order "would have needed" assumes every other order unchanged. A bid alone at a
limit X (tied with no other bid) fills in full exactly when the units asked at or below X cover
the units bid above X plus its own quantity: ``S(X) >= D(>X) + q``. Bids above X come first
and nothing below X can take units ahead of it. Otherwise it gets ``S(X) - D(>X)`` units
(never below zero). Asks mirror this: ``D(Y) >= S(<Y) + q``. Both conditions only get easier
as a bid rises or an ask falls, so the first limit that passes is a threshold.
"""

from dataclasses import dataclass, field
from decimal import Decimal

Curve = list[tuple[Decimal, int]]


@dataclass(frozen=True)
class RoundFacts:
    """A cleared round's public result."""

    price: Decimal | None
    volume: int
    low: Decimal | None
    high: Decimal | None
    demand: Curve
    supply: Curve
    tick: Decimal
    floor: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class Outcome:
    state: str  # "filled" | "partial" | "unfilled"
    quantity: int
    filled: int
    needed: Decimal | None  # the limit that would have filled it in full, if any would
    lines: list[str] = field(default_factory=list)


def parse_curve(points: list[list[str | int]] | list[tuple[Decimal, int]]) -> Curve:
    return [(Decimal(str(price)), int(units)) for price, units in points]


def facts_of(round_: object) -> RoundFacts:
    """RoundFacts from a cleared ``Round`` row (duck-typed so this module stays pure)."""
    return RoundFacts(
        price=getattr(round_, "price", None),
        volume=int(getattr(round_, "volume", 0) or 0),
        low=getattr(round_, "price_low", None),
        high=getattr(round_, "price_high", None),
        demand=parse_curve(getattr(round_, "demand", None) or []),
        supply=parse_curve(getattr(round_, "supply", None) or []),
        tick=getattr(round_, "tick", Decimal("0.01")),
        floor=getattr(round_, "floor", None),
        cap=getattr(round_, "cap", None),
    )


def demand_above(demand: Curve, price: Decimal, *, inclusive: bool = False) -> int:
    """Units bid at a limit above ``price`` (or at/above with ``inclusive``)."""
    units = 0
    for level, cumulative in demand:  # highest price first
        if level > price or (inclusive and level == price):
            units = cumulative
    return units


def supply_below(supply: Curve, price: Decimal, *, inclusive: bool = False) -> int:
    """Units asked at a limit below ``price`` (or at/below with ``inclusive``)."""
    units = 0
    for level, cumulative in supply:  # lowest price first
        if level < price or (inclusive and level == price):
            units = cumulative
    return units


def _within(price: Decimal, facts: RoundFacts) -> bool:
    if price < 0 or (facts.floor is not None and price < facts.floor):
        return False
    return facts.cap is None or price <= facts.cap


def bid_needed(facts: RoundFacts, quantity: int, limit: Decimal) -> Decimal | None:
    """The lowest limit, tied with no other bid, at which this bid would fill in full."""
    bids = {level for level, _ in facts.demand}
    candidates = {level + facts.tick for level in bids if level >= limit}
    candidates |= {level for level, _ in facts.supply if level > limit}
    for price in sorted(candidates - bids):
        if not _within(price, facts):
            continue
        ahead = demand_above(facts.demand, price)
        units = supply_below(facts.supply, price, inclusive=True) - ahead
        if units >= quantity:
            return price
    return None


def ask_needed(facts: RoundFacts, quantity: int, limit: Decimal) -> Decimal | None:
    """The highest limit, tied with no other ask, at which this ask would fill in full."""
    asks = {level for level, _ in facts.supply}
    candidates = {level - facts.tick for level in asks if level <= limit}
    candidates |= {level for level, _ in facts.demand if level < limit}
    for price in sorted(candidates - asks, reverse=True):
        if not _within(price, facts):
            continue
        ahead = supply_below(facts.supply, price)
        units = demand_above(facts.demand, price, inclusive=True) - ahead
        if units >= quantity:
            return price
    return None


def round_lines(facts: RoundFacts) -> list[str]:
    """What set the round's price, without naming anyone."""
    if facts.price is None or facts.volume == 0:
        return [_why_nothing_traded(facts)]
    low, high = facts.low, facts.high
    ask_side = _end_name(low, facts.supply, facts.floor, "marginal ask", "floor")
    bid_side = _end_name(high, facts.demand, facts.cap, "marginal bid", "cap")
    if low == high:
        setting = f"{ask_side} and {bid_side} met at {low}"
        setting = setting[0].upper() + setting[1:]  # "The marginal ask", "The market floor"
    else:
        setting = f"Every price from {low} ({ask_side}) to {high} ({bid_side}) clears the volume"
    return [
        f"{facts.volume} units traded at {facts.price} for every buyer and seller.",
        f"{setting}; the clearing price is {facts.price}.",
    ]


def _end_name(
    price: Decimal | None, curve: Curve, bound: Decimal | None, level: str, bound_name: str
) -> str:
    at_bound = price is not None and bound is not None and price == bound
    if at_bound and all(p != price for p, _ in curve):
        return f"the market {bound_name}"
    return f"the {level}"


def _why_nothing_traded(facts: RoundFacts) -> str:
    if not facts.demand and not facts.supply:
        return "Nothing traded: no orders reached the close."
    if not facts.supply:
        return "Nothing traded: there were no asks in this round."
    if not facts.demand:
        return "Nothing traded: there were no bids in this round."
    best_bid, best_ask = facts.demand[0][0], facts.supply[0][0]
    return f"Nothing traded: the highest bid ({best_bid}) was below the lowest ask ({best_ask})."


def order_outcome(
    facts: RoundFacts, *, side: str, quantity: int, limit: Decimal, filled: int
) -> Outcome:
    """Filled, partly filled or not; why; and what limit would have filled it in full."""
    state = "filled" if filled >= quantity else "partial" if filled else "unfilled"
    if state == "filled":
        return Outcome(state, quantity, filled, None, [])
    is_bid = side == "buy"
    lines = [_why_short(facts, is_bid, quantity, limit, filled)]
    needed = (bid_needed if is_bid else ask_needed)(facts, quantity, limit)
    noun, than = ("bid", "or more") if is_bid else ("ask", "or less")
    article = "a" if is_bid else "an"
    if needed is not None:
        lines.append(
            f"With every other order unchanged, {article} {noun} of {quantity} at {needed} {than} "
            f"would have filled in full: {_at_needed(facts, is_bid, needed)}."
        )
    else:
        lines.append(
            f"With every other order unchanged, no {noun} ahead of the other {noun}s within "
            f"the round's floor and cap would have filled all {quantity} units."
        )
    return Outcome(state, quantity, filled, needed, lines)


def _at_needed(facts: RoundFacts, is_bid: bool, price: Decimal) -> str:
    if is_bid:
        offered = supply_below(facts.supply, price, inclusive=True)
        ahead = demand_above(facts.demand, price)
        return f"{offered} units were asked at or below that price and {ahead} bid above it"
    wanted = demand_above(facts.demand, price, inclusive=True)
    ahead = supply_below(facts.supply, price)
    return f"{wanted} units were bid at or above that price and {ahead} asked below it"


def marginal_level(curve: Curve, volume: int) -> Decimal | None:
    """The price level of a side where the traded volume was reached (shared pro rata)."""
    for level, cumulative in curve:
        if cumulative >= volume:
            return level
    return None


def _why_short(facts: RoundFacts, is_bid: bool, quantity: int, limit: Decimal, filled: int) -> str:
    if facts.price is None or facts.volume == 0:
        return _why_nothing_traded(facts)
    noun, order = ("bid", "highest limit down") if is_bid else ("ask", "lowest limit up")
    curve = facts.demand if is_bid else facts.supply
    better = demand_above if is_bid else supply_below
    if marginal_level(curve, facts.volume) == limit:
        ahead = better(curve, limit)
        at_level = better(curve, limit, inclusive=True) - ahead
        verb = "bid" if is_bid else "asked"
        text = (
            f"Your limit {limit} was the marginal {noun}: only {facts.volume - ahead} of the "
            f"{at_level} units {verb} at that price could trade"
        )
        if at_level > quantity:
            text += ", shared pro rata" + ("" if filled else ", and none came to this order")
        return text + "."
    side_word = "above" if is_bid else "below"
    return (
        f"{noun.capitalize()}s fill from the {order}; {noun}s {side_word} your limit of {limit} "
        f"took all {facts.volume} units traded."
    )
