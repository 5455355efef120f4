"""The clearing engine as it was before its columnar rewrite (pure Python, per order): the
reference the property tests compare both entries of `market.clearing` with.


This module is deliberately pure: it imports nothing from Django (only the standard
library), touches no database, clock or randomness, and mutates none of its inputs.
``clear(orders)`` is a function of the book alone, so the same orders give the same
``Clearing`` in any input order. That makes the rule easy to test exhaustively
(property tests brute-force it), cheap to benchmark on a million orders, and safe to
call from services, management commands, Celery tasks or a notebook; persisting the
result is the caller's business.

The rule
--------
Let ``D(p)`` be the units bid at a limit ``>= p`` and ``S(p)`` the units asked at a
limit ``<= p``, for ``p`` in ``[floor, cap]`` (unbounded where not set). The volume
``Q*`` is the maximum over ``p`` of ``min(D(p), S(p))``. ``D`` never rises and ``S``
never falls, so the prices reaching ``Q*`` form an interval ``[L, U]``; its ends are
order limits (clipped into ``[floor, cap]``) or ``floor``/``cap`` themselves, so they
lie on the tick grid. ``clear`` evaluates ``min(D, S)`` at exactly those candidate
prices. If ``Q*`` is 0 nothing trades: ``price`` is ``None``, ``volume`` 0 and
``fills`` empty.

* Price: rule ``"midpoint"`` takes ``(L + U) / 2`` rounded half-even to the tick;
  rule ``"pay_as_clear"`` takes ``L``.
* Allocation by price priority: bids from the highest limit down, asks from the
  lowest up, until ``Q*`` units on each side. At the last (marginal) price level of a
  side the orders at that limit share the remaining units pro rata to their
  quantity: each gets the floor of its share, and the leftover units go one each by
  largest remainder, ties by lower ``seq``, then lower ``id`` (ids compare as
  ``(type name, value)``, so mixed ``int``/``str`` ids still order deterministically).

This guarantees that no buyer pays above its limit, no seller receives below its
ask, units bought equal units sold, the traded volume is the largest possible and no
order is filled beyond its quantity. Bids below ``floor`` and asks above ``cap`` never
trade.

The curves
----------
``Clearing.demand`` lists ``(price, D(price))`` for each distinct bid limit, highest
price first; ``Clearing.supply`` lists ``(price, S(price))`` for each distinct ask
limit, lowest price first. They describe the whole book (``floor``/``cap`` do not
filter them), and their prices are written with the tick's exponent (``3.00`` for a
tick of ``0.01``).

Performance
-----------
One pass validates every order and tags it with the code of its price level, keyed
by the text of its limit (far cheaper than hashing a fresh Decimal), while summing
units per level. The Decimal work (grid check, conversion to integer ticks) then
runs once per distinct level, and finding ``Q*``, ``[L, U]`` and the marginal levels
is integer arithmetic on the (few) levels. A second, C-speed pass picks the fully
filled orders by their level code; only the marginal level needs per-order pro-rata.
Orders are always scanned in input order: visiting a million of them level by level
jumps around memory and is several times slower.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import attrgetter
from typing import Any, Final

__all__ = ["BUY", "RULES", "SELL", "Clearing", "ClearingError", "Order", "clear"]

BUY: Final = "buy"
SELL: Final = "sell"
RULES: Final = ("midpoint", "pay_as_clear")

_ID = attrgetter("id")
_QTY = attrgetter("quantity")
_DEC_STR = Decimal.__str__  # raises TypeError for anything that is not a Decimal


class ClearingError(ValueError):
    """The orders or the parameters of a round are invalid; the message says which."""


@dataclass(frozen=True, slots=True)
class Order:
    """One limit order of a round.

    ``side`` is ``"buy"`` or ``"sell"``, ``quantity`` a positive ``int`` (units),
    ``limit`` a ``Decimal`` price on the tick grid (the most a buyer pays, the least a
    seller takes), ``id`` any hashable key unique within the round (``str`` or
    ``int``), ``seq`` the tie-breaker at the margin (lower wins, e.g. arrival order).
    Nothing is checked here; ``clear`` validates every order.
    """

    id: Hashable
    side: str
    quantity: int
    limit: Decimal
    seq: int = 0


@dataclass(frozen=True)
class Clearing:
    """The outcome of one round.

    ``price`` is ``None`` and ``volume`` 0 when nothing trades. ``fills`` maps order id
    to the units it trades (orders with 0 units are left out). ``low``/``high`` are the
    ends ``[L, U]`` of the interval of prices that all reach the traded volume
    (``None`` when nothing trades). ``demand``/``supply`` are the aggregate curves
    described in the module docstring.
    """

    price: Decimal | None
    volume: int
    fills: dict[Hashable, int]
    demand: list[tuple[Decimal, int]] = field(default_factory=list)
    supply: list[tuple[Decimal, int]] = field(default_factory=list)
    low: Decimal | None = None
    high: Decimal | None = None


def clear(
    orders: Iterable[Order],
    *,
    rule: str = "midpoint",
    floor: Decimal | None = None,
    cap: Decimal | None = None,
    tick: Decimal = Decimal("0.01"),
) -> Clearing:
    """Clear one round of limit orders at a single price (see the module docstring).

    Raises ``ClearingError`` for an unknown ``rule``, an invalid ``tick``/``floor``/
    ``cap``, or an invalid order (the message names the order).
    """
    if rule not in RULES:
        raise ClearingError(f"unknown rule {rule!r}: expected one of {', '.join(RULES)}")
    grid = _Grid(tick)
    floor_t = None if floor is None else grid.ticks(floor, "floor")
    cap_t = None if cap is None else grid.ticks(cap, "cap")
    if floor_t is not None and cap_t is not None and floor_t > cap_t:
        raise ClearingError(f"floor {floor} is above cap {cap}")

    book = orders if isinstance(orders, list | tuple) else list(orders)
    codes, bids, asks = _levels(book, grid)
    demand = bids.curve(grid)
    supply = asks.curve(grid)
    volume, low_t, high_t = _volume(bids, asks, floor_t, cap_t)
    if volume == 0:
        return Clearing(None, 0, {}, demand, supply)

    price_t = low_t if rule == "pay_as_clear" else _half_even_midpoint(low_t, high_t)
    bid_full, bid_margin, bid_left = bids.split(volume)
    ask_full, ask_margin, ask_left = asks.split(volume)
    full = bid_full | ask_full
    filled = compress(book, map(full.__contains__, codes))
    fills: dict[Hashable, int] = {order.id: order.quantity for order in filled}
    margin = bid_margin | ask_margin
    if margin:
        members = list(compress(book, map(margin.__contains__, codes)))
        if bid_margin:
            _pro_rata([o for o in members if o.side == BUY], bid_left, fills)
        if ask_margin:
            _pro_rata([o for o in members if o.side == SELL], ask_left, fills)
    return Clearing(
        price=grid.decimal(price_t),
        volume=volume,
        fills=fills,
        demand=demand,
        supply=supply,
        low=grid.decimal(low_t),
        high=grid.decimal(high_t),
    )


# --------------------------------------------------------------------------- grid


class _Grid:
    """Exact conversions between Decimal prices and integer numbers of ticks."""

    __slots__ = ("_digits", "_exp", "_num", "_den", "tick")

    def __init__(self, tick: object) -> None:
        if not isinstance(tick, Decimal) or not tick.is_finite() or tick <= 0:
            raise ClearingError(f"tick must be a positive finite Decimal, got {tick!r}")
        self.tick = tick
        self._num, self._den = tick.as_integer_ratio()
        _, digits, exp = tick.as_tuple()
        self._digits = int("".join(map(str, digits)))
        self._exp = int(exp)

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not a price on this grid, or None if it is."""
        if not isinstance(value, Decimal):
            return f"{value!r} is not a Decimal"
        if not value.is_finite():
            return f"{value} is not finite"
        num, den = value.as_integer_ratio()
        if (num * self._den) % (den * self._num):
            return f"{value} is not on the tick grid {self.tick}"
        return None

    def ticks(self, value: object, what: str) -> int:
        """``value`` as an integer number of ticks; a ClearingError naming ``what`` if not."""
        problem = self.problem(value)
        if problem is not None:
            raise ClearingError(f"{what} {problem}")
        assert isinstance(value, Decimal)
        num, den = value.as_integer_ratio()
        return (num * self._den) // (den * self._num)

    def decimal(self, ticks: int) -> Decimal:
        """``ticks * tick`` exactly, written with the tick's exponent."""
        return Decimal(f"{ticks * self._digits}E{self._exp}")


# ------------------------------------------------------------------------ levels


class _Side:
    """One side of the book aggregated by price level.

    ``tick_of`` maps each level code (one per distinct limit text) to its price in
    integer ticks, ``units`` each price (ticks) to its total quantity, ``priority``
    lists the prices best first (highest bid, lowest ask).
    """

    __slots__ = ("name", "priority", "tick_of", "units")

    def __init__(self, name: str, tick_of: dict[int, int], units: dict[int, int]) -> None:
        self.name = name
        self.tick_of = tick_of
        self.units = units
        self.priority = sorted(units, reverse=name == BUY)

    def curve(self, grid: _Grid) -> list[tuple[Decimal, int]]:
        """``[(price, cumulative units at this price or better), ...]``, best first."""
        curve = []
        total = 0
        for ticks in self.priority:
            total += self.units[ticks]
            curve.append((grid.decimal(ticks), total))
        return curve

    def split(self, volume: int) -> tuple[set[int], set[int], int]:
        """Price priority for ``volume`` units: the codes of the fully filled levels,
        the codes of the marginal level (empty if none) and the units left for it."""
        left = volume
        full: set[int] = set()
        margin: int | None = None
        for ticks in self.priority:
            units = self.units[ticks]
            if units > left:
                margin = ticks
                break
            full.add(ticks)
            left -= units
            if left == 0:
                break
        full_codes = {code for code, ticks in self.tick_of.items() if ticks in full}
        margin_codes = {code for code, ticks in self.tick_of.items() if ticks == margin}
        return full_codes, margin_codes, left


def _levels(book: Sequence[Order], grid: _Grid) -> tuple[array[int], _Side, _Side]:
    """Validate every order and aggregate the book by price level.

    Returns the level code of each order (in input order) and the two sides. Anything
    unusual sends us to ``_raise_invalid``, which re-checks order by order and raises
    a ClearingError naming the first invalid order.

    The codes live in an ``array``, not a list: the garbage collector does not track
    arrays, so a collection that happens to run during ``clear`` does not have to walk
    a million entries.
    """
    code_of: dict[str, dict[str, int]] = {BUY: {}, SELL: {}}  # side -> limit text -> code
    units: list[int] = []  # code -> units
    codes = array("q")  # order -> code
    new_level, tag = units.append, codes.append
    try:
        for order in book:
            quantity = order.quantity
            if type(quantity) is not int or quantity <= 0 or type(order.seq) is not int:
                _raise_invalid(book, grid)
            key = _DEC_STR(order.limit)
            side_codes = code_of[order.side]
            code = side_codes.get(key)
            if code is None:
                code = side_codes[key] = len(units)
                new_level(0)
            units[code] += quantity
            tag(code)
        unique = len(set(map(_ID, book))) == len(book)
    except (TypeError, AttributeError, KeyError):
        _raise_invalid(book, grid)
        raise  # pragma: no cover - _raise_invalid always raises here
    if not unique:
        _raise_invalid(book, grid)

    sides = []
    for name, side_codes in code_of.items():
        tick_of: dict[int, int] = {}
        side_units: dict[int, int] = {}
        for key, code in side_codes.items():
            limit = Decimal(key)
            if grid.problem(limit) is not None or limit < 0:
                _raise_invalid(book, grid)
            ticks = tick_of[code] = grid.ticks(limit, "limit")
            side_units[ticks] = side_units.get(ticks, 0) + units[code]  # 3.0 and 3.00
        sides.append(_Side(name, tick_of, side_units))
    return codes, sides[0], sides[1]


def _order_problem(order: Any, grid: _Grid) -> str | None:
    """Why one order is invalid, or None (uniqueness of ids is checked elsewhere)."""
    side = getattr(order, "side", None)
    if not isinstance(side, str) or side not in (BUY, SELL):
        return f"side {side!r} is not 'buy' or 'sell'"
    quantity = getattr(order, "quantity", None)
    if type(quantity) is not int or quantity <= 0:
        return f"quantity {quantity!r} is not a positive int"
    limit = getattr(order, "limit", None)
    problem = grid.problem(limit)
    if problem is not None:
        return f"limit {problem}"
    assert isinstance(limit, Decimal)
    if limit < 0:
        return f"limit {limit} is negative"
    seq = getattr(order, "seq", None)
    if type(seq) is not int:
        return f"seq {seq!r} is not an int"
    return None


def _raise_invalid(book: Sequence[Order], grid: _Grid) -> None:
    """Raise a ClearingError naming the first invalid order of ``book``."""
    seen: set[Hashable] = set()
    for position, order in enumerate(book):
        if not hasattr(order, "id"):
            raise ClearingError(f"order #{position}: {order!r} is not an Order")
        name = f"order {order.id!r}"
        try:
            hash(order.id)
        except TypeError:
            raise ClearingError(f"{name}: id is not hashable") from None
        problem = _order_problem(order, grid)
        if problem is not None:
            raise ClearingError(f"{name}: {problem}")
        if order.id in seen:
            raise ClearingError(f"{name}: duplicate id")
        seen.add(order.id)
    raise AssertionError("an order was rejected but no problem was found")  # pragma: no cover


# ------------------------------------------------------------------------ volume


def _volume(
    bids: _Side, asks: _Side, floor_t: int | None, cap_t: int | None
) -> tuple[int, int, int]:
    """``(Q*, L, U)`` in ticks; ``(0, 0, 0)`` if nothing can trade."""
    if not bids.priority or not asks.priority:
        return 0, 0, 0
    bid_ticks = bids.priority[::-1]  # ascending
    ask_ticks = asks.priority
    # units_from[i] = units bid at bid_ticks[i:]; units_to[j] = units asked at ask_ticks[:j]
    units_from = [0] * (len(bid_ticks) + 1)
    for i in range(len(bid_ticks) - 1, -1, -1):
        units_from[i] = units_from[i + 1] + bids.units[bid_ticks[i]]
    units_to = [0]
    for ticks in ask_ticks:
        units_to.append(units_to[-1] + asks.units[ticks])

    candidates = set(bid_ticks)
    candidates.update(ask_ticks)
    if floor_t is not None:
        candidates = {max(p, floor_t) for p in candidates}
        candidates.add(floor_t)
    if cap_t is not None:
        candidates = {min(p, cap_t) for p in candidates}
        candidates.add(cap_t)

    best, low_t, high_t = 0, 0, 0
    for p in sorted(candidates):
        demand = units_from[bisect_left(bid_ticks, p)]
        supply = units_to[bisect_right(ask_ticks, p)]
        reached = min(demand, supply)
        if reached > best:
            best, low_t, high_t = reached, p, p
        elif reached == best and best > 0:
            high_t = p
    return best, low_t, high_t


def _half_even_midpoint(low_t: int, high_t: int) -> int:
    total = low_t + high_t
    half = total // 2
    if total % 2 and half % 2:  # exactly halfway between two ticks: take the even one
        half += 1
    return half


# -------------------------------------------------------------------- allocation


def _pro_rata(members: list[Order], share: int, fills: dict[Hashable, int]) -> None:
    """Split ``share`` units among the orders of one level by largest remainder."""
    units = sum(order.quantity for order in members)
    remainders = []
    given = 0
    for order in members:
        whole, remainder = divmod(share * order.quantity, units)
        if whole:
            fills[order.id] = whole
        given += whole
        remainders.append((remainder, order))
    leftover = share - given
    if leftover:
        for order in _by_remainder(remainders)[:leftover]:
            fills[order.id] = fills.get(order.id, 0) + 1


def _by_remainder(remainders: list[tuple[int, Order]]) -> list[Order]:
    """Orders by largest remainder, then lower ``seq``, then lower id."""
    try:
        ranked = sorted(
            remainders, key=lambda r: (-r[0], r[1].seq, type(r[1].id).__name__, r[1].id)
        )
    except TypeError:  # ids of one type name that do not compare: fall back to repr
        ranked = sorted(
            remainders, key=lambda r: (-r[0], r[1].seq, type(r[1].id).__name__, repr(r[1].id))
        )
    return [order for _, order in ranked]
