"""One market of a session: its book in columns, cleared by SPEC §7 with one price-inelastic
order added (the accepted bundles' legs in that market, netted).

Pure like ``market.clearing`` (no Django). ``market.session_clearing`` states the rule; this
module does the per-market arithmetic in integer ticks:

* ``lo``/``hi`` bound the market's prices: ``lo`` is ``floor`` (or 0), ``hi`` is ``cap`` or,
  without a cap, the highest limit in the book (at least ``lo``).
* A net buy of ``N`` units is a bid that takes any price up to ``hi``, a net sell an ask that
  takes any price down to ``lo``; each sits on its own level beyond every simple order, so price
  priority fills it before any simple order on its side and the margin rule never shares it.
  In ticks: the book is shifted up two ticks (an even shift keeps the half-even midpoint), the
  inelastic bid sits at ``hi + 1``, the ask at ``lo - 1``, and the book clears with floor ``lo``
  and cap ``hi`` (which changes nothing for the simple orders: every limit lies within them).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from .clearing import Clearing, _Grid, clear, to_book
from .clearing_columns import Book, _half_even_midpoint, clear_book

if TYPE_CHECKING:
    from .session_clearing import MarketBook

_SHIFT = 2


@dataclass(frozen=True, slots=True)
class Priced:
    """A market cleared with a net inelastic order: what the session needs of it.

    All prices in ticks. ``price`` is §7's price (``None`` only when nothing trades and no
    bundle leg is in the market); ``low``/``high`` the interval of prices reaching the volume.
    ``filled`` the units of each simple order (by position), ``surplus_ticks`` Σ bid fills ×
    limit − Σ ask fills × limit of the simple orders, in ticks.
    """

    price: int
    low: int
    high: int
    filled: np.ndarray
    surplus_ticks: int


class MarketState:
    """A market's book prepared once for every clearing the session tries."""

    def __init__(self, book: MarketBook) -> None:
        self.book = book
        self.alone: Clearing = clear(
            book.orders, rule=book.rule, floor=book.floor, cap=book.cap, tick=book.tick
        )
        self.grid = _Grid(book.tick)
        orders = book.orders
        self.columns, self.labels = to_book(orders, self.grid)
        ticks, buy, quantity = self.columns.ticks, self.columns.buy, self.columns.quantity
        self.floor = None if book.floor is None else self.grid.ticks(book.floor, "floor")
        self.cap = None if book.cap is None else self.grid.ticks(book.cap, "cap")
        self.lo = self.floor if self.floor is not None else 0
        top = int(ticks.max()) if len(ticks) else self.lo
        self.hi = self.cap if self.cap is not None else max(top, self.lo)
        tradable_bids = buy & (ticks >= self.lo)
        tradable_asks = ~buy & (ticks <= self.hi)
        self.bid_levels = _levels(ticks[tradable_bids], quantity[tradable_bids])
        self.ask_levels = _levels(ticks[tradable_asks], quantity[tradable_asks])
        self.bid_units = sum(units for _, units in self.bid_levels)  # a sell leg's counterparty
        self.ask_units = sum(units for _, units in self.ask_levels)  # a buy leg's counterparty
        self._priced: dict[int, Priced | None] = {}

    def decimal(self, ticks: int) -> Decimal:
        return self.grid.decimal(ticks)

    def priced(self, net: int) -> Priced | None:
        """§7 with bundle legs netting to ``net`` units (> 0 buys, < 0 sells) as one inelastic
        order; None if the book cannot fill it. The market has a price even if nothing else
        trades (then §7's rule over ``[lo, hi]``), since bundle legs trade in it."""
        if net not in self._priced:
            self._priced[net] = self._clear(net)
        return self._priced[net]

    def _clear(self, net: int) -> Priced | None:
        book = _with_inelastic(self.columns, net, self.lo - 1 + _SHIFT, self.hi + 1 + _SHIFT)
        lo, hi = self.lo + _SHIFT, self.hi + _SHIFT
        result = clear_book(book, rule=self.book.rule, floor=lo, cap=hi)
        n = len(self.columns)
        if net and int(result.filled[n]) != abs(net):
            return None
        filled = result.filled[:n]
        surplus = _surplus(filled, self.columns)
        if result.price is None:
            low, high = self.lo, self.hi
            price = low if self.book.rule == "pay_as_clear" else _half_even_midpoint(low, high)
            return Priced(price, low, high, filled, surplus)
        assert result.low is not None
        assert result.high is not None
        return Priced(
            result.price - _SHIFT, result.low - _SHIFT, result.high - _SHIFT, filled, surplus
        )

    def fills(self, filled: np.ndarray) -> dict[Hashable, int]:
        """Units by simple order id, orders with 0 units left out (as ``clear`` gives them)."""
        where = np.flatnonzero(filled)
        units = filled[where].tolist()
        if self.labels is None:
            ids: Sequence[Hashable] = self.columns.ids[where].tolist()
        else:
            ids = [self.labels[i] for i in where.tolist()]
        return dict(zip(ids, units, strict=True))

    def bought(self, filled: np.ndarray) -> int:
        """Units the simple bids take."""
        return int(filled[self.columns.buy].sum())


def _levels(ticks: np.ndarray, quantity: np.ndarray) -> list[tuple[int, int]]:
    """(limit in ticks, units) for each distinct limit, ascending."""
    if not len(ticks):
        return []
    order = np.argsort(ticks, kind="stable")
    ranked = ticks[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    units = np.add.reduceat(quantity[order], starts)
    return list(zip(ranked[starts].tolist(), units.tolist(), strict=True))


def _with_inelastic(columns: Book, net: int, ask_tick: int, bid_tick: int) -> Book:
    """The book shifted up ``_SHIFT`` ticks, with one order of ``|net|`` units if ``net``."""
    ids, ticks, quantity = columns.ids, columns.ticks, columns.quantity
    if not net:
        return Book(ids, columns.buy, quantity, ticks + _SHIFT, columns.seq)
    if ids.dtype != object and (len(ids) and int(ids.max()) >= 2**62):
        ids = ids.astype(object)
    if ticks.dtype != object and bid_tick >= 2**62:
        ticks = ticks.astype(object)
    if quantity.dtype != object and abs(net) >= 2**62:
        quantity = quantity.astype(object)
    new_id = int(ids.max()) + 1 if len(ids) else 0
    return Book(
        ids=np.append(ids, np.array([new_id], dtype=ids.dtype)),
        buy=np.append(columns.buy, net > 0),
        quantity=np.append(quantity, np.array([abs(net)], dtype=quantity.dtype)),
        ticks=np.append(ticks + _SHIFT, np.array([bid_tick if net > 0 else ask_tick], ticks.dtype)),
        seq=np.append(columns.seq, np.array([0], dtype=columns.seq.dtype)),
    )


def _surplus(filled: np.ndarray, columns: Book) -> int:
    """Σ bid fills × limit − Σ ask fills × limit, in ticks, exactly."""
    sign = np.where(columns.buy, 1, -1)
    if not len(filled):
        return 0
    if filled.dtype != object and columns.ticks.dtype != object:
        bound = int(filled.max()) * int(columns.ticks.max()) * len(filled)
        if bound < 2**62:
            return int(np.dot(filled * sign, columns.ticks))
        return int(np.dot(filled * sign, columns.ticks))
    return int(
        sum(
            f * t * s
            for f, t, s in zip(filled.tolist(), columns.ticks.tolist(), sign.tolist(), strict=True)
        )
    )
