"""A market's price history over a span (today, the last week, all of it), for the chart and
its table, and the division's own open orders placed on the last round's curves.

A span with more rounds than the chart can show is summed per hour (today, week) or per day
(all) in SQL: the price of a bucket is its volume-weighted average, so the page costs the same
two queries for a market with a hundred rounds or a hundred thousand.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, cast

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Min, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Market, Order, Round
from .outcomes import demand_above, parse_curve, supply_below

SPANS = {"today": _("Today"), "week": _("Last 7 days"), "all": _("All")}
DEFAULT_SPAN = "week"
MAX_POINTS = 300
RESULTS = (Round.State.CLEARED, Round.State.SETTLED)
CENT = Decimal("0.01")
VALUE = ExpressionWrapper(F("price") * F("volume"), output_field=DecimalField(decimal_places=2))


@dataclass(frozen=True)
class Point:
    """One round, or one hour or day of rounds."""

    at: datetime
    price: Decimal | None
    volume: int
    rounds: int = 1
    round_id: int | None = None
    number: int | None = None
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class History:
    span: str
    points: list[Point]
    bucket: str  # "round", "hour" or "day"


def span_of(value: str) -> str:
    return value if value in SPANS else DEFAULT_SPAN


def _start(span: str, now: datetime) -> datetime | None:
    if span == "today":
        return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if span == "week":
        return now - timedelta(days=7)
    return None


def price_history(*, market: Market, span: str, now: datetime | None = None) -> History:
    """The span's rounds oldest first; summed per hour or day past MAX_POINTS rounds."""
    start = _start(span, now or timezone.now())
    rounds = Round.objects.filter(market=market, state__in=RESULTS, cleared_at__isnull=False)
    if start is not None:
        rounds = rounds.filter(cleared_at__gte=start)
    rows = list(
        rounds.order_by("-cleared_at", "-number").values(
            "pk", "number", "price", "volume", "cleared_at"
        )[: MAX_POINTS + 1]
    )
    if len(rows) <= MAX_POINTS:
        points = [
            Point(cast(datetime, r["cleared_at"]), r["price"], r["volume"], 1, r["pk"], r["number"])
            for r in reversed(rows)
        ]
        return History(span, points, "round")
    bucket = "day" if span == "all" else "hour"
    return History(span, _buckets(rounds, bucket), bucket)


def _buckets(rounds: Any, bucket: str) -> list[Point]:
    trunc = TruncDay if bucket == "day" else TruncHour
    rows = (
        rounds.annotate(at=trunc("cleared_at", tzinfo=timezone.get_current_timezone()))
        .values("at")
        .annotate(
            units=Sum("volume"),
            value=Sum(VALUE),
            rounds=Count("pk"),
            low=Min("price"),
            high=Max("price"),
        )
        .order_by("at")
    )
    return [
        Point(
            at=row["at"],
            price=(row["value"] / row["units"]).quantize(CENT, ROUND_HALF_EVEN)
            if row["units"]
            else None,
            volume=row["units"] or 0,
            rounds=row["rounds"],
            low=row["low"],
            high=row["high"],
        )
        for row in rows
    ]


def history_chart(history: History) -> dict[str, Any]:
    """Points for a time axis (milliseconds since the epoch); prices as text, never floats."""
    return {
        "span": history.span,
        "bucket": history.bucket,
        "zone": timezone.get_current_timezone_name(),
        "price": [
            {"x": int(p.at.timestamp() * 1000), "y": None if p.price is None else str(p.price)}
            for p in history.points
        ],
        "volume": [{"x": int(p.at.timestamp() * 1000), "y": p.volume} for p in history.points],
    }


def my_orders_on_curves(*, last: Round, orders: list[Order]) -> list[dict[str, Any]]:
    """Where each open order of the division would have stood on the last round's curves: a
    bid at its limit, behind the units bid at or above it (time priority), an ask behind the
    units asked at or below it; a segment from where it starts to where it ends. Only the
    division's own orders; the curves are aggregates."""
    demand, supply = parse_curve(last.demand), parse_curve(last.supply)
    points = []
    for order in orders:
        if order.state != Order.State.OPEN:
            continue
        if order.is_bid:
            start = demand_above(demand, order.limit, inclusive=True)
        else:
            start = supply_below(supply, order.limit, inclusive=True)
        points.append(
            {
                "from": start,
                "to": start + order.quantity,
                "y": str(order.limit),
                "side": order.side,
            }
        )
    return points
