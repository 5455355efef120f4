"""Utilisation of delivered capacity for the health view: three queries, however many windows.

Reads the rows kept per ended window (``oversight.services.utilisation``): per series and day
(the chart), per series and division (the table), and the latest windows one by one.
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from divisions.models import shown_name

from ..models import DivisionUtilisation, WindowUtilisation

LATEST = 20


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


@dataclass
class Row:
    """Units delivered (or held), consumed and expired, and consumed as a share of them."""

    name: str
    delivered: int
    consumed: int
    expired: int
    overage: int = 0

    @property
    def utilisation(self) -> Decimal | None:
        return percent(self.consumed, self.delivered)


@dataclass
class SeriesUse:
    series_id: int
    name: str
    total: Row
    divisions: list[Row] = field(default_factory=list)
    chart: dict[str, Any] = field(
        default_factory=lambda: {"consumed": [], "expired": [], "utilisation": []}
    )


@dataclass
class Utilisation:
    series: list[SeriesUse]
    latest: list[tuple[WindowUtilisation, Row]]


def utilisation(*, since: datetime) -> Utilisation:
    """Every series' ended windows since ``since``: per day, per division, the latest ones."""
    found: dict[int, SeriesUse] = {}
    zone = timezone.get_current_timezone()
    daily = (
        WindowUtilisation.objects.filter(starts_at__gte=since)
        .annotate(day=TruncDate("starts_at"))
        .values("series_id", "series__name", "day")
        .annotate(delivered=Sum("delivered"), consumed=Sum("consumed"), expired=Sum("expired"))
        .order_by("series__name", "day")
    )
    for row in daily:
        use = found.get(row["series_id"])
        if use is None:
            use = SeriesUse(row["series_id"], row["series__name"], Row("", 0, 0, 0))
            found[row["series_id"]] = use
        use.total.delivered += row["delivered"]
        use.total.consumed += row["consumed"]
        use.total.expired += row["expired"]
        at = int(datetime.combine(row["day"], time(), tzinfo=zone).timestamp() * 1000)
        share = percent(row["consumed"], row["delivered"])
        use.chart["consumed"].append({"x": at, "y": row["consumed"]})
        use.chart["expired"].append({"x": at, "y": row["expired"]})
        use.chart["utilisation"].append({"x": at, "y": None if share is None else str(share)})
    per_division = (
        DivisionUtilisation.objects.filter(starts_at__gte=since)
        .values("series_id", "division__name", "division__name_en")
        .annotate(
            held=Sum("held"),
            consumed=Sum("consumed"),
            expired=Sum("expired"),
            overage=Sum("overage"),
        )
        .order_by("series_id", "-consumed", "division__name")
    )
    for each in per_division:
        if each["series_id"] in found:
            found[each["series_id"]].divisions.append(
                Row(
                    shown_name(each["division__name"], each["division__name_en"]),
                    each["held"],
                    each["consumed"],
                    each["expired"],
                    each["overage"],
                )
            )
    latest = (
        WindowUtilisation.objects.select_related("window__asset", "series")
        .filter(starts_at__gte=since)
        .order_by("-starts_at", "-id")[:LATEST]
    )
    return Utilisation(
        series=list(found.values()),
        latest=[
            (w, Row(str(w.window.asset.name), w.delivered, w.consumed, w.expired, w.overage))
            for w in latest
        ],
    )
