"""Guaranteed minimums: units delivered to a division before the auction, as a pure function.

No Django here: plain data in, plain data out, the same result for the same book in any
input order. ``clear_guaranteed(book, guarantees, ...)`` clears a round (``market.clearing``
rules, SPEC §7) after serving the guarantees management granted, exactly as follows.

The rule
--------
A guarantee gives division ``d`` up to ``r_d`` units (what is left of its guarantee in the
window this market trades) and optionally a price ``g_d`` set by management.

1. **Claims.** ``d`` claims units from its own bids only (it must bid to use a guarantee), in
   price priority (highest limit first, then lower ``seq``, then lower id), up to ``r_d``;
   bids below ``floor`` never claim. Its claim ``c_d`` is the number of units so found.
2. **Supply.** Guaranteed units come from the asks in price priority (lowest limit first,
   then ``seq``, then id); asks above ``cap`` never supply. ``S`` is their total.
3. **Shortage.** If the claims add up to more than ``S``, each division's share is
   ``S x c_d / sum(c)``: the floor of it, and the leftover units one each by largest
   remainder, ties to the lower division id. Otherwise each gets ``c_d``.
4. **Carve.** The claimed bid units (each division's best ones, up to its share), highest
   limit first, are matched unit by unit with the supply, lowest ask first, while the bid's
   limit is at least the ask's. ``K`` units are matched; ``A`` is the highest matched ask
   limit, ``B_d`` the lowest matched bid limit of division ``d``.
5. **Auction.** Everything not carved (each order less its carved units) clears by
   ``market.clearing.clear`` with the round's rule, floor, cap and tick: price ``P``.
6. **Guarantee price.** Division ``d`` pays, and the sellers of its units receive,
   ``p_d = g_d`` if management set it, else ``P``; if nothing else traded (``P`` is None),
   the round's rule applied to ``[lo, hi]`` (midpoint rounded half-even to the tick, or
   ``lo`` for pay-as-clear). Always clipped into ``[lo, hi] = [max(A, floor), min(B_d,
   cap)]``, so no buyer pays above its limit and no seller receives below its ask.
7. **Fills.** An order's fill is its carved units plus its auction units; its credits are
   ``p_d`` per carved unit (the unit's buyer ``d``) plus ``P`` per auction unit.
8. **Rulings.** Carved units are priced by management's rule, not by the auction: a pricing
   ruling re-prices or voids only a fill's auction units, at ``P`` (the fill's recorded price);
   a fill made only of guaranteed units cannot be re-priced or voided
   (``arbitration.services.remedies``, which finds each fill's carved units by clearing the
   round's kept book again).

Units bought always equal units sold and credits paid equal credits received. The round's
published price is ``P``; when only guaranteed units trade it is the lowest ``p_d``. The
result page shows each division its guarantee, the units delivered under it this round at
``p_d``, and what is left of it in the window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import cast

from market import clearing

from .replay import BookOrder

__all__ = ["Guarantee", "GuaranteedClearing", "clear_guaranteed"]


@dataclass(frozen=True, slots=True)
class Guarantee:
    """What is left of division ``division``'s guaranteed minimum, and its price if set."""

    division: int
    units: int
    price: Decimal | None = None


@dataclass(frozen=True)
class GuaranteedClearing:
    price: Decimal | None
    volume: int
    fills: dict[int, int]
    amounts: dict[int, Decimal]
    auction: clearing.Clearing
    delivered: dict[int, int] = field(default_factory=dict)
    prices: dict[int, Decimal] = field(default_factory=dict)
    carved: dict[int, int] = field(default_factory=dict)  # order id: its guaranteed units


def _bid_key(o: BookOrder) -> tuple[Decimal, int, int]:
    return (-o.limit, o.seq, o.id)


def _ask_key(o: BookOrder) -> tuple[Decimal, int, int]:
    return (o.limit, o.seq, o.id)


def _claims(
    book: Sequence[BookOrder], left: dict[int, int], floor: Decimal | None
) -> dict[int, list[tuple[BookOrder, int]]]:
    """Step 1: each guaranteed division's best bids, up to what is left of its guarantee."""
    claims: dict[int, list[tuple[BookOrder, int]]] = defaultdict(list)
    wanted = dict(left)
    for order in sorted((o for o in book if o.side == clearing.BUY), key=_bid_key):
        need = wanted.get(order.division, 0)
        if need <= 0 or (floor is not None and order.limit < floor):
            continue
        take = min(need, order.quantity)
        claims[order.division].append((order, take))
        wanted[order.division] = need - take
    return claims


def _shares(claimed: dict[int, int], supply: int) -> dict[int, int]:
    """Step 3: pro rata to the claims when they exceed the supply; largest remainder."""
    total = sum(claimed.values())
    if total <= supply:
        return dict(claimed)
    shares = {d: supply * c // total for d, c in claimed.items()}
    rest = supply - sum(shares.values())
    by_remainder = sorted(claimed, key=lambda d: (-(supply * claimed[d] % total), d))
    for d in by_remainder[:rest]:
        shares[d] += 1
    return shares


def _trim(claims: list[tuple[BookOrder, int]], share: int) -> list[tuple[BookOrder, int]]:
    kept = []
    for order, units in claims:
        take = min(units, share)
        if take:
            kept.append((order, take))
        share -= take
    return kept


def _carve(
    bids: list[tuple[BookOrder, int]], asks: list[tuple[BookOrder, int]]
) -> list[tuple[BookOrder, BookOrder, int]]:
    """Step 4: match bid units (best first) with ask units (cheapest first) while they cross."""
    matched, i, j = [], 0, 0
    bid_left = bids[0][1] if bids else 0
    ask_left = asks[0][1] if asks else 0
    while i < len(bids) and j < len(asks) and bids[i][0].limit >= asks[j][0].limit:
        units = min(bid_left, ask_left)
        matched.append((bids[i][0], asks[j][0], units))
        bid_left -= units
        ask_left -= units
        if not bid_left and (i := i + 1) < len(bids):
            bid_left = bids[i][1]
        if not ask_left and (j := j + 1) < len(asks):
            ask_left = asks[j][1]
    return matched


def _rule_price(lo: Decimal, hi: Decimal, rule: str, tick: Decimal) -> Decimal:
    if rule == "pay_as_clear":
        return lo
    return ((lo + hi) / 2 / tick).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * tick


def _clip(price: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return min(max(price, lo), hi)


def clear_guaranteed(
    book: Sequence[BookOrder],
    guarantees: Iterable[Guarantee],
    *,
    rule: str = "midpoint",
    floor: Decimal | None = None,
    cap: Decimal | None = None,
    tick: Decimal = Decimal("0.01"),
) -> GuaranteedClearing:
    """Serve the guarantees, auction the rest; the rule is stated in the module docstring."""
    left = {g.division: g.units for g in guarantees if g.units > 0}
    set_prices = {g.division: g.price for g in guarantees if g.price is not None}
    claims = _claims(book, left, floor)
    asks = sorted(
        (o for o in book if o.side == clearing.SELL and (cap is None or o.limit <= cap)),
        key=_ask_key,
    )
    supply = sum(o.quantity for o in asks)
    shares = _shares({d: sum(u for _, u in c) for d, c in claims.items()}, supply)
    bids = sorted(
        (pair for d, c in claims.items() for pair in _trim(c, shares[d])),
        key=lambda pair: _bid_key(pair[0]),
    )
    matched = _carve(bids, [(o, o.quantity) for o in asks])
    carved: dict[int, int] = defaultdict(int)
    for bid, ask, units in matched:
        carved[bid.id] += units
        carved[ask.id] += units
    rest = [
        clearing.Order(o.id, o.side, o.quantity - carved[o.id], o.limit, o.seq)
        for o in book
        if o.quantity > carved.get(o.id, 0)
    ]
    auction = clearing.clear(rest, rule=rule, floor=floor, cap=cap, tick=tick)
    prices = _prices(matched, set_prices, auction.price, rule, floor, cap, tick)
    return _result(matched, auction, prices)


def _prices(
    matched: list[tuple[BookOrder, BookOrder, int]],
    set_prices: dict[int, Decimal],
    auction_price: Decimal | None,
    rule: str,
    floor: Decimal | None,
    cap: Decimal | None,
    tick: Decimal,
) -> dict[int, Decimal]:
    """Step 6: each served division's guarantee price, clipped into its feasible interval."""
    if not matched:
        return {}
    highest_ask = max(ask.limit for _, ask, _ in matched)
    lo = highest_ask if floor is None else max(highest_ask, floor)
    lowest_bid: dict[int, Decimal] = {}
    for bid, _, _ in matched:
        lowest_bid[bid.division] = min(lowest_bid.get(bid.division, bid.limit), bid.limit)
    prices = {}
    for division, b in lowest_bid.items():
        hi = b if cap is None else min(b, cap)
        wanted = set_prices.get(division, auction_price)
        if wanted is None:
            wanted = _rule_price(lo, hi, rule, tick)
        prices[division] = _clip(wanted, lo, hi)
    return prices


def _result(
    matched: list[tuple[BookOrder, BookOrder, int]],
    auction: clearing.Clearing,
    prices: dict[int, Decimal],
) -> GuaranteedClearing:
    fills: dict[int, int] = defaultdict(int)
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    delivered: dict[int, int] = defaultdict(int)
    carved: dict[int, int] = defaultdict(int)
    for bid, ask, units in matched:
        unit_price = prices[bid.division]
        for order in (bid, ask):
            fills[order.id] += units
            amounts[order.id] += unit_price * units
            carved[order.id] += units
        delivered[bid.division] += units
    for order_id, units in auction.fills.items():
        key = cast(int, order_id)
        fills[key] += units
        amounts[key] += cast(Decimal, auction.price) * units
    price: Decimal | None = auction.price
    if price is None:
        price = min(prices.values(), default=None)
    guaranteed = sum(delivered.values())
    return GuaranteedClearing(
        price=price,
        volume=auction.volume + guaranteed,
        fills=dict(fills),
        amounts=dict(amounts),
        auction=auction,
        delivered=dict(delivered),
        prices=prices,
        carved=dict(carved),
    )
