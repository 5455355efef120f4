"""What-if replay of a settled round: the stored book through the same engine, nothing written."""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from divisions.models import Division
from market import clearing
from market.errors import InvalidState, MarketError
from market.models import Round

from ..access import require_oversight
from ..models import ClearingInputs
from ..replay import BookOrder, Outcome, Params, book_from_columns, replay
from ..services.guarantees import from_json


@dataclass(frozen=True)
class DivisionLine:
    division: Division
    bought: tuple[int, int]
    sold: tuple[int, int]
    removed: bool


@dataclass(frozen=True)
class Replay:
    round: Round
    original_params: Params
    params: Params
    without: frozenset[int]
    original: Outcome
    alternative: Outcome
    lines: list[DivisionLine]

    @property
    def welfare_change(self) -> Decimal:
        return self.alternative.welfare - self.original.welfare


def stored_inputs(round_id: int) -> tuple[Round, ClearingInputs]:
    round_ = get_object_or_404(Round.objects.select_related("market"), pk=round_id)
    if not round_.has_result:
        raise InvalidState(_("Only a cleared or settled round can be replayed."))
    inputs = ClearingInputs.objects.filter(round=round_).first()
    if inputs is None:
        raise InvalidState(_("This round cleared before its book was kept; it cannot be replayed."))
    return round_, inputs


def inputs_params(inputs: ClearingInputs) -> Params:
    return Params(rule=inputs.rule, floor=inputs.floor, cap=inputs.cap, tick=inputs.tick)


def round_replay(
    *,
    user: Any,
    round_id: int,
    params: Params | None = None,
    without: Collection[int] = (),
    keep_guarantees: bool = True,
) -> Replay:
    """Clear a round's stored book again with other parameters, without some divisions or
    without the guaranteed minimums it served."""
    require_oversight(user)
    round_, inputs = stored_inputs(round_id)
    book = book_from_columns(inputs.book)
    served = from_json(inputs.guarantees)
    original_params = inputs_params(inputs)
    params = params or original_params
    try:
        original = replay(book, original_params, guarantees=served)
        alternative = replay(
            book, params, without=without, guarantees=served if keep_guarantees else ()
        )
    except clearing.ClearingError as error:
        message = _("These parameters cannot clear: %(error)s") % {"error": error}
        raise MarketError(message) from None
    return Replay(
        round=round_,
        original_params=original_params,
        params=params,
        without=frozenset(without),
        original=original,
        alternative=alternative,
        lines=_lines(book, original, alternative, frozenset(without)),
    )


def _lines(
    book: list[BookOrder], original: Outcome, alternative: Outcome, without: frozenset[int]
) -> list[DivisionLine]:
    ids = {order.division for order in book}
    return [
        DivisionLine(
            division=division,
            bought=(original.bought.get(division.pk, 0), alternative.bought.get(division.pk, 0)),
            sold=(original.sold.get(division.pk, 0), alternative.sold.get(division.pk, 0)),
            removed=division.pk in without,
        )
        for division in Division.objects.filter(pk__in=ids).order_by("name")
    ]
