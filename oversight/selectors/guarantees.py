"""What a division sees of its guaranteed minimum in a market: granted, used, left, this round."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from divisions.models import Division
from market.models import Round

from .. import guarantees as rule
from ..models import ClearingInputs, GuaranteeDelivery
from ..replay import book_from_columns
from ..services.guarantees import from_json, guarantees_of


@dataclass(frozen=True)
class Standing:
    units: int
    price: Decimal | None
    used: int
    this_round: GuaranteeDelivery | None

    @property
    def left(self) -> int:
        return max(self.units - self.used, 0)


def guarantee_standing(*, division: Division, round_: Round) -> Standing | None:
    """The division's guarantee in the round's market, or None if it has none (2 queries)."""
    found = [g for g in guarantees_of(market_id=round_.market_id) if g[0] == division.pk]
    if not found:
        return None
    own = [g for g in found if g[3]]
    _, units, price, _ = (own or found)[0]
    deliveries = list(
        GuaranteeDelivery.objects.filter(round__market_id=round_.market_id, division=division)
    )
    return Standing(
        units=units,
        price=price,
        used=sum(d.units for d in deliveries),
        this_round=next((d for d in deliveries if d.round_id == round_.pk), None),
    )


def delivered_total(*, market_id: int, division_id: int) -> int:
    total = GuaranteeDelivery.objects.filter(
        round__market_id=market_id, division_id=division_id
    ).aggregate(units=Sum("units"))["units"]
    return int(total or 0)


def guaranteed_units(*, round_id: int) -> dict[int, int]:
    """Units of each order of a round that were delivered under a guaranteed minimum (order
    id: units), found by clearing the round's kept book again exactly as it cleared; empty when
    the round served no guarantee (one query)."""
    inputs = ClearingInputs.objects.filter(round_id=round_id).first()
    if inputs is None:
        return {}
    served = [g for g in from_json(inputs.guarantees) if g.units > 0]
    if not served:
        return {}
    result = rule.clear_guaranteed(
        book_from_columns(inputs.book),
        served,
        rule=inputs.rule,
        floor=inputs.floor,
        cap=inputs.cap,
        tick=inputs.tick,
    )
    return {order_id: units for order_id, units in result.carved.items() if units}
