"""Keeping a settled round's health figures, and raising management's alerts on them;
called in the settlement transaction."""

from django.db.models import Sum
from django.utils import timezone

from market.models import Fill, Order, Round

from ..models import RoundShare, RoundStats
from .alerts import alerts_raise


def round_stats_record(*, round_: Round) -> RoundStats:
    """Volume, units bid and asked, and each division's units bought and sold (3 statements
    besides the inserts); the round is locked FOR UPDATE by the caller, so this runs once."""
    offered = dict(
        Order.objects.filter(round=round_)
        .exclude(state=Order.State.CANCELLED)
        .values("side")
        .annotate(units=Sum("quantity"))
        .values_list("side", "units")
    )
    shares = list(
        Fill.objects.filter(round=round_)
        .values("division_id", "side")
        .annotate(units=Sum("quantity"))
        .order_by("division_id", "side")
    )
    at = round_.settled_at or timezone.now()
    RoundShare.objects.bulk_create(
        RoundShare(
            round=round_,
            market_id=round_.market_id,
            division_id=row["division_id"],
            side=row["side"],
            units=row["units"],
            settled_at=at,
        )
        for row in shares
    )
    stats = RoundStats.objects.create(
        round=round_,
        market_id=round_.market_id,
        settled_at=at,
        price=round_.price,
        volume=round_.volume,
        bid_units=offered.get("buy", 0),
        ask_units=offered.get("sell", 0),
    )
    alerts_raise(round_=round_, stats=stats, shares=shares)  # management's alerts, told once
    return stats
