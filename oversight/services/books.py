"""Keeping a round's clearing inputs: called inside the clearing transaction, once per round."""

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, cast

from market import clearing
from market.models import Round

from ..models import ClearingInputs
from ..replay import BookOrder, Params, book_to_columns


def params_of(round_: Round) -> Params:
    """The parameters a round clears with (the market's rules copied when it was scheduled)."""
    return Params(rule=round_.rule, floor=round_.floor, cap=round_.cap, tick=round_.tick)


def book_store(
    *,
    round_: Round,
    book: Sequence[clearing.Order],
    divisions: Mapping[Hashable, int],
    guarantees: Mapping[str, Any] | None = None,
) -> ClearingInputs:
    """Write the book the engine is about to clear; the caller holds the round FOR UPDATE
    in its clearing transaction, so a round gets exactly one record, together with its fills."""
    rows = [
        BookOrder(cast(int, o.id), o.side, o.quantity, o.limit, o.seq, divisions[o.id])
        for o in book
    ]
    params = params_of(round_)
    return ClearingInputs.objects.create(
        round=round_,
        rule=params.rule,
        tick=params.tick,
        floor=params.floor,
        cap=params.cap,
        book=book_to_columns(rows),
        guarantees=dict(guarantees or {}),
        orders=len(rows),
    )


def book_store_columns(
    *, round_: Round, columns: Mapping[str, list[Any]], guarantees: Mapping[str, Any] | None = None
) -> ClearingInputs:
    """``book_store`` for a book already in ``book_to_columns``' form (the settling worker's
    column path builds it from its arrays, without an object per order)."""
    params = params_of(round_)
    return ClearingInputs.objects.create(
        round=round_,
        rule=params.rule,
        tick=params.tick,
        floor=params.floor,
        cap=params.cap,
        book=dict(columns),
        guarantees=dict(guarantees or {}),
        orders=len(columns["id"]),
    )
