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

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from tokenhub import formatting

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
    """RoundFacts from a cleared ``Round`` row (duck-typed: no model import here)."""
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
    bids = {level for level, _units in facts.demand}
    candidates = {level + facts.tick for level in bids if level >= limit}
    candidates |= {level for level, _units in facts.supply if level > limit}
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
    asks = {level for level, _units in facts.supply}
    candidates = {level - facts.tick for level in asks if level <= limit}
    candidates |= {level for level, _units in facts.demand if level < limit}
    for price in sorted(candidates - asks, reverse=True):
        if not _within(price, facts):
            continue
        ahead = supply_below(facts.supply, price)
        units = demand_above(facts.demand, price, inclusive=True) - ahead
        if units >= quantity:
            return price
    return None


def _names(facts: RoundFacts) -> tuple[str, str]:
    """What set each end of the price interval: the marginal order, or the market's bound."""
    low, high = facts.low, facts.high
    if _at_bound(low, facts.supply, facts.floor):
        ask_side = pgettext("what set the price", "the market floor")
    else:
        ask_side = pgettext("what set the price", "the marginal ask")
    if _at_bound(high, facts.demand, facts.cap):
        bid_side = pgettext("what set the price", "the market cap")
    else:
        bid_side = pgettext("what set the price", "the marginal bid")
    return ask_side, bid_side


def round_lines(facts: RoundFacts) -> list[str]:
    """What set the round's price, without naming anyone, in the reader's language."""
    if facts.price is None or facts.volume == 0:
        return [_why_nothing_traded(facts)]
    ask_side, bid_side = _names(facts)
    values = {
        "volume": formatting.units(facts.volume),
        "price": formatting.price(facts.price),
        "low": formatting.price(facts.low),
        "high": formatting.price(facts.high),
        "ask_side": ask_side,
        "bid_side": bid_side,
    }
    if facts.low == facts.high:
        setting = (
            _("%(ask_side)s and %(bid_side)s met at %(low)s; the clearing price is %(price)s.")
            % values
        )
        setting = setting[0].upper() + setting[1:]  # "The marginal ask", "The market floor"
    else:
        setting = (
            _(
                "Every price from %(low)s (%(ask_side)s) to %(high)s (%(bid_side)s) clears the "
                "volume; the clearing price is %(price)s."
            )
            % values
        )
    traded = ngettext(
        "%(volume)s unit traded at %(price)s for every buyer and seller.",
        "%(volume)s units traded at %(price)s for every buyer and seller.",
        facts.volume,
    )
    return [traded % values, setting]


def _at_bound(price: Decimal | None, curve: Curve, bound: Decimal | None) -> bool:
    at_bound = price is not None and bound is not None and price == bound
    return at_bound and all(p != price for p, _units in curve)


def _why_nothing_traded(facts: RoundFacts) -> str:
    if not facts.demand and not facts.supply:
        return _("Nothing traded: no orders reached the close.")
    if not facts.supply:
        return _("Nothing traded: there were no asks in this round.")
    if not facts.demand:
        return _("Nothing traded: there were no bids in this round.")
    return _("Nothing traded: the highest bid (%(bid)s) was below the lowest ask (%(ask)s).") % {
        "bid": formatting.price(facts.demand[0][0]),
        "ask": formatting.price(facts.supply[0][0]),
    }


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
    lines.append(_what_would_have_filled(facts, is_bid, quantity, needed))
    return Outcome(state, quantity, filled, needed, lines)


def _what_would_have_filled(
    facts: RoundFacts, is_bid: bool, quantity: int, needed: Decimal | None
) -> str:
    values = {"quantity": formatting.units(quantity)}
    if needed is None:
        if is_bid:
            text = ngettext(
                "With every other order unchanged, no bid ahead of the other bids within the "
                "round's floor and cap would have filled this %(quantity)s unit.",
                "With every other order unchanged, no bid ahead of the other bids within the "
                "round's floor and cap would have filled all %(quantity)s units.",
                quantity,
            )
        else:
            text = ngettext(
                "With every other order unchanged, no ask ahead of the other asks within the "
                "round's floor and cap would have filled this %(quantity)s unit.",
                "With every other order unchanged, no ask ahead of the other asks within the "
                "round's floor and cap would have filled all %(quantity)s units.",
                quantity,
            )
        return text % values
    values["needed"] = formatting.price(needed)
    if is_bid:
        values["offered"] = formatting.units(supply_below(facts.supply, needed, inclusive=True))
        values["ahead"] = formatting.units(demand_above(facts.demand, needed))
        text = _(
            "With every other order unchanged, a bid of %(quantity)s at %(needed)s or more "
            "would have filled in full: %(offered)s units were asked at or below that price "
            "and %(ahead)s bid above it."
        )
    else:
        values["wanted"] = formatting.units(demand_above(facts.demand, needed, inclusive=True))
        values["ahead"] = formatting.units(supply_below(facts.supply, needed))
        text = _(
            "With every other order unchanged, an ask of %(quantity)s at %(needed)s or less "
            "would have filled in full: %(wanted)s units were bid at or above that price and "
            "%(ahead)s asked below it."
        )
    return text % values


def marginal_level(curve: Curve, volume: int) -> Decimal | None:
    """The price level of a side where the traded volume was reached (shared pro rata)."""
    for level, cumulative in curve:
        if cumulative >= volume:
            return level
    return None


def _why_short(facts: RoundFacts, is_bid: bool, quantity: int, limit: Decimal, filled: int) -> str:
    if facts.price is None or facts.volume == 0:
        return _why_nothing_traded(facts)
    curve = facts.demand if is_bid else facts.supply
    better = demand_above if is_bid else supply_below
    values = {"limit": formatting.price(limit), "volume": formatting.units(facts.volume)}
    if marginal_level(curve, facts.volume) != limit:
        if is_bid:
            text = _(
                "Bids fill from the highest limit down; bids above your limit of %(limit)s "
                "took all %(volume)s units traded."
            )
        else:
            text = _(
                "Asks fill from the lowest limit up; asks below your limit of %(limit)s "
                "took all %(volume)s units traded."
            )
        return text % values
    ahead = better(curve, limit)
    at_level = better(curve, limit, inclusive=True) - ahead
    values["tradable"] = formatting.units(facts.volume - ahead)
    values["at_level"] = formatting.units(at_level)
    shared = "" if at_level <= quantity else "shared" if filled else "none"
    return _MARGINAL[(is_bid, shared)]() % values


_MARGINAL = {
    (True, ""): lambda: _(
        "Your limit %(limit)s was the marginal bid: only %(tradable)s of the %(at_level)s "
        "units bid at that price could trade."
    ),
    (True, "shared"): lambda: _(
        "Your limit %(limit)s was the marginal bid: only %(tradable)s of the %(at_level)s "
        "units bid at that price could trade, shared pro rata."
    ),
    (True, "none"): lambda: _(
        "Your limit %(limit)s was the marginal bid: only %(tradable)s of the %(at_level)s "
        "units bid at that price could trade, shared pro rata, and none came to this order."
    ),
    (False, ""): lambda: _(
        "Your limit %(limit)s was the marginal ask: only %(tradable)s of the %(at_level)s "
        "units asked at that price could trade."
    ),
    (False, "shared"): lambda: _(
        "Your limit %(limit)s was the marginal ask: only %(tradable)s of the %(at_level)s "
        "units asked at that price could trade, shared pro rata."
    ),
    (False, "none"): lambda: _(
        "Your limit %(limit)s was the marginal ask: only %(tradable)s of the %(at_level)s "
        "units asked at that price could trade, shared pro rata, and none came to this order."
    ),
}
