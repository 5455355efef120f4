"""Uniform-price clearing of one call-auction round, as a pure function.

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
  ``(type name, value)``, so mixed ``int``/``str`` ids still order deterministically;
  ids of one type name that do not compare, such as complex numbers, by their repr).

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
``clear`` turns the orders into NumPy columns (``market.clearing_columns.Book``) and
clears those: a few C-speed passes per attribute, the Decimal work (grid check,
conversion to integer ticks) once per distinct limit text, and the rule itself with
sorts, cumulative sums and searches (``clear_book``). Only an invalid book takes the
slow road, order by order, to name the first invalid order.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any, Final, cast

import numpy as np

from .clearing_columns import Book, BookClearing, BookError, clear_book

__all__ = ["BUY", "RULES", "SELL", "Clearing", "ClearingError", "Order", "clear"]

BUY: Final = "buy"
SELL: Final = "sell"
RULES: Final = ("midpoint", "pay_as_clear")

_ID, _SIDE, _QTY, _LIMIT, _SEQ = map(attrgetter, ("id", "side", "quantity", "limit", "seq"))
_DEC_STR = Decimal.__str__  # raises TypeError for anything that is not a Decimal
_INT64: Final = 2**62  # columns whose sums stay below this are int64, larger ones Python ints


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
    columns, labels = to_book(book, grid)
    try:
        result = clear_book(columns, rule=rule, floor=floor_t, cap=cap_t)
    except BookError:
        _raise_invalid(book, grid)
        raise  # pragma: no cover - _raise_invalid always raises here
    return to_clearing(result, columns, labels, grid)


def to_book(book: Sequence[Order], grid: _Grid) -> tuple[Book, Sequence[Hashable] | None]:
    """The orders as columns, and the id of each position if the id column holds ranks.

    Checks what the columns cannot carry (sides, types, limits on the grid); the rest
    (quantity > 0, unique ids) is checked by ``clear_book``. Anything wrong sends us
    to ``_raise_invalid``, which names the first invalid order.
    """
    try:
        ids = list(map(_ID, book))
        sides = list(map(_SIDE, book))
        quantities = list(map(_QTY, book))
        seqs = list(map(_SEQ, book))
        keys = list(map(_DEC_STR, map(_LIMIT, book)))  # grouping by text beats hashing Decimals
    except (TypeError, AttributeError):
        _raise_invalid(book, grid)
        raise  # pragma: no cover
    n = len(book)
    if sides.count(BUY) + sides.count(SELL) != n or not _all_int(quantities, seqs):
        _raise_invalid(book, grid)
    ticks = _ticks(keys, grid, book)
    id_column, labels = _id_column(ids, book, grid)
    columns = Book(
        ids=id_column,
        buy=np.fromiter(map(len, sides), np.int8, n) == len(BUY),
        quantity=_column(quantities, n, summed=True),
        ticks=ticks,
        seq=_column(seqs, n),
    )
    return columns, labels


def to_clearing(
    result: BookClearing, columns: Book, labels: Sequence[Hashable] | None, grid: _Grid
) -> Clearing:
    """The columnar outcome as the §7 ``Clearing`` (Decimal prices, fills by order id).

    ``labels`` are the order ids by position when the id column holds ranks, else None.
    """
    demand, supply = curve(result.demand, grid), curve(result.supply, grid)
    if result.price is None:
        return Clearing(None, 0, {}, demand, supply)
    where = np.flatnonzero(result.filled)
    units = result.filled[where].tolist()
    if labels is None:
        fill_ids = columns.ids[where].tolist()
    else:
        fill_ids = list(map(labels.__getitem__, where.tolist()))
    fills = dict(zip(fill_ids, units, strict=True))
    assert result.low is not None
    assert result.high is not None
    return Clearing(
        price=grid.decimal(result.price),
        volume=result.volume,
        fills=fills,
        demand=demand,
        supply=supply,
        low=grid.decimal(result.low),
        high=grid.decimal(result.high),
    )


def curve(points: tuple[np.ndarray, np.ndarray], grid: _Grid) -> list[tuple[Decimal, int]]:
    """A ``BookClearing`` curve (ticks, cumulative units) as ``Clearing``'s (Decimal, units)."""
    ticks, units = points
    return [(grid.decimal(t), u) for t, u in zip(ticks.tolist(), units.tolist(), strict=True)]


def _all_int(*columns: list[Any]) -> bool:
    return all(set(map(type, column)) <= {int} for column in columns)


def _column(values: list[int], n: int, *, summed: bool = False) -> np.ndarray:
    """int64 when the values (and, if ``summed``, their sums) fit, else exact Python ints."""
    try:
        column = np.fromiter(values, np.int64, n)
    except OverflowError:
        return np.array(values, dtype=object)
    if summed and n and max(int(column.max()), -int(column.min())) * n >= _INT64:
        return np.array(values, dtype=object)
    return column


def _ticks(keys: list[str], grid: _Grid, book: Sequence[Order]) -> np.ndarray:
    """Each order's limit in ticks; Decimal work once per distinct limit text."""
    tick_of: dict[str, int] = {}
    for key in dict.fromkeys(keys):
        limit = Decimal(key)
        if grid.problem(limit) is not None or limit < 0:
            _raise_invalid(book, grid)
        tick_of[key] = grid.ticks(limit, "limit")
    return _column(list(map(tick_of.__getitem__, keys)), len(keys))  # ticks are never summed


def _id_column(
    ids: list[Hashable], book: Sequence[Order], grid: _Grid
) -> tuple[np.ndarray, list[Hashable] | None]:
    """The ids as int64 when they are ints (clear_book checks they are unique); otherwise
    each id's rank in the tie-break order, and the ids themselves to label the fills."""
    n = len(ids)
    if _all_int(ids):
        column = _column(cast(list[int], ids), n)
        if column.dtype != object:
            return column, None
    try:
        unique = len(set(ids)) == n
    except TypeError:
        unique = False
    if not unique:
        _raise_invalid(book, grid)
    groups: dict[str, list[Hashable]] = {}
    for order_id in ids:
        groups.setdefault(type(order_id).__name__, []).append(order_id)
    ranked: list[Hashable] = []
    for name in sorted(groups):
        try:
            ranked.extend(sorted(groups[name]))  # type: ignore[type-var]
        except TypeError:  # ids of one type name that do not compare: by their repr
            ranked.extend(sorted(groups[name], key=repr))
    rank = {order_id: position for position, order_id in enumerate(ranked)}
    return np.fromiter(map(rank.__getitem__, ids), np.int64, n), ids


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


Grid = _Grid  # public name: the settling worker converts ticks with it (services/rounds.py)


# -------------------------------------------------------------------- validation


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
