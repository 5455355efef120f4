"""What a round would have cleared at under other parameters, as a pure function.

No Django here: the book comes in as plain rows (the clearing inputs stored at close, see
``oversight.models.ClearingInputs``), the outcome goes out as plain data. The replay calls the
very engine that cleared the round (``market.clearing.clear``), so replaying with the round's
own rule, floor, cap and tick gives back its stored price, volume and fills exactly.

Welfare is the gains from trade at the clearing price: for every filled bid ``(limit - price)
x units`` plus for every filled ask ``(price - limit) x units``. Units bought equal units sold,
so the price cancels out and welfare is ``sum(bid limit x units) - sum(ask limit x units)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, cast

from market import clearing

__all__ = ["BookOrder", "Outcome", "Params", "book_from_columns", "book_to_columns", "replay"]


@dataclass(frozen=True, slots=True)
class BookOrder:
    """One order as it stood when its round closed, with the division that placed it."""

    id: int
    side: str
    quantity: int
    limit: Decimal
    seq: int
    division: int


@dataclass(frozen=True)
class Params:
    """The clearing parameters of a round: ``clear``'s keyword arguments."""

    rule: str
    floor: Decimal | None
    cap: Decimal | None
    tick: Decimal

    def but(self, **changes: Any) -> Params:
        return replace(self, **changes)


@dataclass(frozen=True)
class Outcome:
    """A round's result: price, volume, fills, and who bought and sold how much."""

    price: Decimal | None
    volume: int
    fills: dict[int, int]
    bought: dict[int, int] = field(default_factory=dict)
    sold: dict[int, int] = field(default_factory=dict)
    welfare: Decimal = Decimal("0.00")
    low: Decimal | None = None
    high: Decimal | None = None


def replay(
    book: Sequence[BookOrder],
    params: Params,
    *,
    without: Collection[int] = (),
    guarantees: Sequence[Any] = (),
) -> Outcome:
    """Clear ``book`` with ``params``, leaving out the orders of the divisions in ``without``;
    with ``guarantees`` (``oversight.guarantees.Guarantee``) served first as that rule says."""
    kept = [order for order in book if order.division not in without]
    if guarantees:
        from .guarantees import clear_guaranteed  # it builds on this module's BookOrder

        served = clear_guaranteed(
            kept,
            guarantees,
            rule=params.rule,
            floor=params.floor,
            cap=params.cap,
            tick=params.tick,
        )
        return _outcome(kept, served.fills, served)
    result = clearing.clear(
        [clearing.Order(o.id, o.side, o.quantity, o.limit, o.seq) for o in kept],
        rule=params.rule,
        floor=params.floor,
        cap=params.cap,
        tick=params.tick,
    )
    fills = {cast(int, order_id): units for order_id, units in result.fills.items()}
    return _outcome(kept, fills, result)


def _outcome(book: Iterable[BookOrder], fills: Mapping[int, int], result: Any) -> Outcome:
    bought: dict[int, int] = defaultdict(int)
    sold: dict[int, int] = defaultdict(int)
    welfare = Decimal("0.00")
    for order in book:
        units = fills.get(order.id, 0)
        if not units:
            continue
        if order.side == clearing.BUY:
            bought[order.division] += units
            welfare += order.limit * units
        else:
            sold[order.division] += units
            welfare -= order.limit * units
    return Outcome(
        price=result.price,
        volume=result.volume,
        fills=dict(fills),
        bought=dict(bought),
        sold=dict(sold),
        welfare=welfare,
        low=getattr(result, "low", None),
        high=getattr(result, "high", None),
    )


def book_to_columns(book: Iterable[BookOrder]) -> dict[str, list[Any]]:
    """The book as JSON-ready columns (one list per field; limits as decimal strings)."""
    columns: dict[str, list[Any]] = {
        "id": [],
        "side": [],
        "quantity": [],
        "limit": [],
        "seq": [],
        "division": [],
    }
    for order in book:
        columns["id"].append(order.id)
        columns["side"].append(order.side)
        columns["quantity"].append(order.quantity)
        columns["limit"].append(str(order.limit))
        columns["seq"].append(order.seq)
        columns["division"].append(order.division)
    return columns


def book_from_columns(columns: Mapping[str, Sequence[Any]]) -> list[BookOrder]:
    """The inverse of ``book_to_columns``."""
    return [
        BookOrder(pk, side, quantity, Decimal(limit), seq, division)
        for pk, side, quantity, limit, seq, division in zip(
            columns["id"],
            columns["side"],
            columns["quantity"],
            columns["limit"],
            columns["seq"],
            columns["division"],
            strict=True,
        )
    ]
