"""What a division sees of its guaranteed minimum in a market: granted, used, left, this round."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from divisions.models import Division
from market.models import Round

from ..models import Guarantee, GuaranteeDelivery


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
    guarantee = Guarantee.objects.filter(market_id=round_.market_id, division=division).first()
    if guarantee is None:
        return None
    deliveries = list(
        GuaranteeDelivery.objects.filter(round__market_id=round_.market_id, division=division)
    )
    return Standing(
        units=guarantee.units,
        price=guarantee.price,
        used=sum(d.units for d in deliveries),
        this_round=next((d for d in deliveries if d.round_id == round_.pk), None),
    )


def delivered_total(*, market_id: int, division_id: int) -> int:
    total = GuaranteeDelivery.objects.filter(
        round__market_id=market_id, division_id=division_id
    ).aggregate(units=Sum("units"))["units"]
    return int(total or 0)
