"""The clearing rule of SPEC §7 on a book held as NumPy columns.

Pure like ``market.clearing`` (no Django, no database, no clock): a ``Book`` is five
arrays with one entry per order (id, bid or ask, quantity, limit in integer ticks,
seq), and ``clear_book`` does the whole rule with sorts, cumulative sums and
searches over them, so a million orders cost a few passes in C instead of a million
Python objects. ``market.clearing.clear`` converts ``Order`` objects into a ``Book``
and calls this, so both entries give one result; the settling worker reads a round's
orders from the database straight into a ``Book``.

Columns are ``int64`` (``bool`` for ``buy``). A caller whose numbers may not fit
(quantities or ticks near 2**62) passes ``object`` arrays of Python ints instead: every
step below also works on those, only slower, so the result stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

__all__ = ["Book", "BookClearing", "BookError", "clear_book"]

RULES: Final = ("midpoint", "pay_as_clear")
_SAFE: Final = 2**62  # int64 sums and products below this cannot overflow
_DENSE: Final = 4  # aggregate by np.bincount when the tick range is this many × the orders


class BookError(ValueError):
    """An invalid order or column; ``position`` is the first invalid order (or None)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True, slots=True, eq=False)
class Book:
    """A round's orders as columns; position ``i`` of every array is order ``i``.

    ``ids`` unique ints (also the last tie-breaker at the margin, lower first), ``buy``
    True for a bid, ``quantity`` units > 0, ``ticks`` the limit in ticks >= 0, ``seq``
    the tie-breaker before the id (lower first).
    """

    ids: np.ndarray
    buy: np.ndarray
    quantity: np.ndarray
    ticks: np.ndarray
    seq: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True, eq=False)
class BookClearing:
    """The outcome in ticks. ``filled[i]`` is the units order ``i`` trades (0 for none).

    ``price``/``low``/``high`` are None and ``volume`` 0 when nothing trades.
    ``demand``/``supply`` are ``(ticks, cumulative units)`` array pairs, best price first.
    """

    price: int | None
    volume: int
    low: int | None
    high: int | None
    filled: np.ndarray
    demand: tuple[np.ndarray, np.ndarray]
    supply: tuple[np.ndarray, np.ndarray]


def clear_book(
    book: Book, *, rule: str = "midpoint", floor: int | None = None, cap: int | None = None
) -> BookClearing:
    """Clear one round (SPEC §7) given in columns; ``floor``/``cap`` in ticks.

    Raises ``BookError`` naming the first invalid order by id and position.
    """
    if rule not in RULES:
        raise BookError(f"unknown rule {rule!r}: expected one of {', '.join(RULES)}")
    if floor is not None and cap is not None and floor > cap:
        raise BookError(f"floor {floor} is above cap {cap} (ticks)")
    _check(book)
    bid_levels, bid_units = _levels(book.ticks[book.buy], book.quantity[book.buy])
    ask_levels, ask_units = _levels(book.ticks[~book.buy], book.quantity[~book.buy])
    demand = (bid_levels[::-1], np.cumsum(bid_units[::-1]))
    supply = (ask_levels, np.cumsum(ask_units))
    volume, low, high = _volume(bid_levels, bid_units, ask_levels, ask_units, floor, cap)
    filled = np.zeros(len(book), dtype=book.quantity.dtype)
    if volume == 0:
        return BookClearing(None, 0, None, None, filled, demand, supply)
    price = low if rule == "pay_as_clear" else _half_even_midpoint(low, high)
    _allocate(book, filled, book.buy, demand, volume, highest_first=True)
    _allocate(book, filled, ~book.buy, supply, volume, highest_first=False)
    return BookClearing(price, volume, low, high, filled, demand, supply)


# ------------------------------------------------------------------------ checks


def _check(book: Book) -> None:
    """Shapes, dtypes, and each order: quantity > 0, ticks >= 0, ids unique."""
    n = len(book.ids)
    for name in ("ids", "buy", "quantity", "ticks", "seq"):
        column = getattr(book, name)
        if not isinstance(column, np.ndarray) or column.shape != (n,):
            raise BookError(f"column {name} is not a 1-d array of {n} entries")
        wanted = "b" if name == "buy" else "iuO"
        if column.dtype.kind not in wanted:
            raise BookError(f"column {name} has dtype {column.dtype}")
    for name, bad, what in (
        ("quantity", book.quantity <= 0, "is not a positive int"),
        ("ticks", book.ticks < 0, "is negative"),
    ):
        if n and bad.any():
            position = int(np.argmax(bad))
            value = _at(getattr(book, name), position)
            raise BookError(f"order {_at(book.ids, position)!r}: {name} {value} {what}", position)
    _check_unique(book.ids)


def _check_unique(ids: np.ndarray) -> None:
    if len(ids) < 2 or bool(np.all(ids[1:] > ids[:-1])):  # ids read in order: no sort
        return
    order = np.argsort(ids, kind="stable")
    same = ids[order[1:]] == ids[order[:-1]]
    if same.any():
        position = int(order[1:][np.argmax(same)])
        raise BookError(f"order {_at(ids, position)!r}: duplicate id", position)


def _at(column: np.ndarray, position: int) -> object:
    """One entry as a plain Python value (for messages)."""
    return column[position : position + 1].tolist()[0]


# ------------------------------------------------------------------------ levels


def _levels(ticks: np.ndarray, quantity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct limits of one side, ascending, and the units at each."""
    if len(ticks) == 0:
        return ticks[:0], quantity[:0]
    if ticks.dtype != object and quantity.dtype != object:
        low, high = int(ticks.min()), int(ticks.max())
        total = int(quantity.sum(dtype=np.float64))
        if high - low <= _DENSE * len(ticks) + 1024 and total < 2**53:  # exact in float64
            units = np.bincount(ticks - low, weights=quantity).astype(quantity.dtype)
            present = np.flatnonzero(units)
            return present + low, units[present]
    order = np.argsort(ticks, kind="stable")
    ranked = ticks[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    return ranked[starts], np.add.reduceat(quantity[order], starts)


# ------------------------------------------------------------------------ volume


def _volume(
    bid_levels: np.ndarray,
    bid_units: np.ndarray,
    ask_levels: np.ndarray,
    ask_units: np.ndarray,
    floor: int | None,
    cap: int | None,
) -> tuple[int, int, int]:
    """``(Q*, L, U)`` in ticks, evaluating min(D, S) at every limit (clipped) and floor/cap."""
    if len(bid_levels) == 0 or len(ask_levels) == 0:
        return 0, 0, 0
    zero = bid_units[:0].sum()
    bid_from = np.r_[np.cumsum(bid_units[::-1])[::-1], zero]  # units bid at level i or above
    ask_to = np.r_[zero, np.cumsum(ask_units)]  # units asked below level j
    extra = [p for p in (floor, cap) if p is not None]
    candidates = np.concatenate([bid_levels, ask_levels, np.array(extra, dtype=bid_levels.dtype)])
    if floor is not None:
        candidates = np.maximum(candidates, floor)
    if cap is not None:
        candidates = np.minimum(candidates, cap)
    demand = bid_from[np.searchsorted(bid_levels, candidates, side="left")]
    supply = ask_to[np.searchsorted(ask_levels, candidates, side="right")]
    reached = np.minimum(demand, supply)
    best = int(reached.max())
    if best == 0:
        return 0, 0, 0
    at_best = candidates[reached == best]
    return best, int(at_best.min()), int(at_best.max())


def _half_even_midpoint(low: int, high: int) -> int:
    total = low + high
    half = total // 2
    if total % 2 and half % 2:  # exactly halfway between two ticks: take the even one
        half += 1
    return half


# -------------------------------------------------------------------- allocation


def _allocate(
    book: Book,
    filled: np.ndarray,
    side: np.ndarray,
    curve: tuple[np.ndarray, np.ndarray],
    volume: int,
    *,
    highest_first: bool,
) -> None:
    """Price priority for ``volume`` units on one side, pro rata at its marginal level."""
    levels, cumulative = curve  # best price first
    full = int(np.searchsorted(cumulative, volume, side="right"))  # levels filled whole
    if full:
        last = levels[full - 1]
        whole = side & (book.ticks >= last if highest_first else book.ticks <= last)
        filled[whole] = book.quantity[whole]
    left = volume - (int(cumulative[full - 1]) if full else 0)
    if left:
        members = np.flatnonzero(side & (book.ticks == levels[full]))
        filled[members] = _pro_rata(book, members, left)


def _pro_rata(book: Book, members: np.ndarray, share: int) -> np.ndarray:
    """Split ``share`` units among ``members`` by largest remainder, ties by seq then id."""
    quantity = book.quantity[members]
    units = int(quantity.sum())
    if share * int(quantity.max()) >= _SAFE:
        quantity = quantity.astype(object)  # exact Python ints rather than an overflow
    product = quantity * share
    whole, remainder = product // units, product % units  # np.divmod has no object loop
    leftover = share - int(whole.sum())
    if leftover:
        rank = np.argsort(book.ids[members], kind="stable")
        rank = rank[np.argsort(book.seq[members][rank], kind="stable")]
        rank = rank[np.argsort(-remainder[rank], kind="stable")]
        whole[rank[:leftover]] += 1
    return whole
