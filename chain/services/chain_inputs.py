"""What the sharing rule needs from the database: who bought what from whom in a period.

Reads only. A period [start, end) matches the windows (assets) whose delivery overlaps it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from ledger.models import summed
from market.models import Fill

from ..sharing import RoundTrades


@dataclass
class RoundFacts:
    """One settled round of an asset kind: credits each buyer paid, units each seller sold."""

    round_id: int
    market: str
    price: Decimal
    paid: dict[int, Decimal] = field(default_factory=dict)
    bought: dict[int, int] = field(default_factory=dict)
    sold: dict[int, int] = field(default_factory=dict)

    def trades(self) -> RoundTrades:
        return RoundTrades(paid=self.paid, sold=self.sold)


def rounds_bought_by(
    buyers: set[int], *, kind: str, start: datetime, end: datetime
) -> list[RoundFacts]:
    """Settled rounds of `kind` assets delivering in the period in which a buyer bought."""
    in_period = Q(
        round__state="settled",
        round__market__asset__kind=kind,
        round__market__asset__delivery_start__lt=end,
        round__market__asset__delivery_end__gt=start,
    )
    round_ids = set(
        Fill.objects.filter(in_period, side="buy", division_id__in=buyers).values_list(
            "round_id", flat=True
        )
    )
    rows = (
        Fill.objects.filter(round_id__in=round_ids)
        .values("round_id", "round__market__name", "round__price", "division_id", "side")
        .annotate(units=Sum("quantity"), credits=Sum("amount"))
        .order_by("round_id", "division_id", "side")
    )
    facts: dict[int, RoundFacts] = {}
    for row in rows:
        fact = facts.setdefault(
            row["round_id"],
            RoundFacts(
                row["round_id"], row["round__market__name"], row["round__price"] or Decimal(0)
            ),
        )
        if row["side"] == "buy":
            if row["division_id"] in buyers:
                fact.paid[row["division_id"]] = summed(row["credits"])
                fact.bought[row["division_id"]] = row["units"]
        else:
            fact.sold[row["division_id"]] = row["units"]
    return list(facts.values())


def trades_between(facts: list[RoundFacts]) -> dict[tuple[int, int], list[dict[str, object]]]:
    """For each (buyer, seller): the rounds that justify a flow between them."""
    found: dict[tuple[int, int], list[dict[str, object]]] = defaultdict(list)
    for fact in facts:
        for buyer, units in fact.bought.items():
            for seller, sold in fact.sold.items():
                if seller != buyer:
                    found[(buyer, seller)].append(
                        {
                            "round": fact.round_id,
                            "market": fact.market,
                            "price": str(fact.price),
                            "bought": units,
                            "paid": str(fact.paid[buyer]),
                            "sold": sold,
                        }
                    )
    return found
