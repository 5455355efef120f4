"""What rulings did to fills: every page that shows what a fill cost shows it after the rulings
(re-priced or voided), with the disputes that ruled. Read through Fill's reverse relation, so
the market app does not import arbitration."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..models import Fill, Side


@dataclass(frozen=True)
class FillRuling:
    """A fill as rulings left it: credits paid (bid) or received (ask), and units."""

    amount: Decimal
    units: int
    dispute_ids: tuple[int, ...]

    @property
    def voided(self) -> bool:
        return self.units == 0

    @property
    def price(self) -> Decimal | None:
        return (self.amount / self.units).quantize(Decimal("0.01")) if self.units else None


def fill_rulings(fills: Iterable[Fill]) -> dict[int, FillRuling]:
    """Rulings' net effect per fill, for the fill's own division (one query)."""
    by_pk = {fill.pk: fill for fill in fills}
    if not by_pk:
        return {}
    effects = Fill._meta.get_field("ruling_effects").related_model._default_manager.filter(
        fill_id__in=by_pk
    )
    moved: dict[int, list[Any]] = defaultdict(list)
    rows = effects.values_list("fill_id", "division_id", "credits", "unit_delta", "ruling__dispute")
    for fill_id, division_id, credits, unit_delta, dispute_id in rows.order_by("id"):
        if division_id == by_pk[fill_id].division_id:
            moved[fill_id].append((credits, unit_delta, dispute_id))
    return {pk: _net(by_pk[pk], moves) for pk, moves in moved.items()}


def _net(fill: Fill, moves: list[Any]) -> FillRuling:
    sign = 1 if fill.side == Side.BUY else -1  # a refund to a buyer is credits in (+)
    credits = sum((m[0] for m in moves), Decimal("0.00"))
    units = sum(m[1] for m in moves)
    disputes = tuple(dict.fromkeys(m[2] for m in moves))
    return FillRuling(fill.amount - sign * credits, fill.quantity + sign * units, disputes)


def with_rulings(fills: list[Fill]) -> list[Fill]:
    """The fills, each with `.ruling` (a FillRuling, or None when no ruling touched it)."""
    rulings = fill_rulings(fills)
    for fill in fills:
        fill.ruling = rulings.get(fill.pk)  # type: ignore[attr-defined]
    return fills
