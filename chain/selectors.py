"""Reads of the token chain: a division's windows, revenue it is part of, targets."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from ledger.models import Entry, summed
from market import roles
from market.models import Fill

from .models import RevenueRecord, RevenueTarget, UsageRecord, Window


@dataclass(frozen=True)
class WindowReport:
    """What one division did with one window: the signal that it over- or under-bought."""

    window: Window
    minted: int
    bought: int
    sold: int
    consumed: int
    expired: int
    overage: int
    charge: Decimal

    @property
    def obtained(self) -> int:
        return self.minted + self.bought - self.sold

    @property
    def utilisation(self) -> Decimal | None:
        """Consumed ÷ units the division held for the window (None when it held none)."""
        if self.obtained <= 0:
            return None
        return (Decimal(self.consumed) / self.obtained * 100).quantize(Decimal("0.1"))


def _units(value: Any) -> int:
    return int(value or 0)


def window_report(*, division_id: int, window: Window) -> WindowReport:
    fills = Fill.objects.filter(round__market_id=window.market_id, division_id=division_id)
    sides = dict(fills.values_list("side").annotate(units=Sum("quantity")))
    entries = Entry.objects.filter(
        account__asset_id=window.asset_id, account__division_id=division_id
    )
    moved = dict(entries.values_list("transaction__reason").annotate(total=Sum("amount")))
    used = UsageRecord.objects.filter(division_id=division_id, window=window).aggregate(
        consumed=Sum("consumed"), overage=Sum("overage"), charge=Sum("charge")
    )
    return WindowReport(
        window=window,
        minted=_units(moved.get("mint")),
        bought=_units(sides.get("buy")),
        sold=_units(sides.get("sell")),
        consumed=_units(used["consumed"]),
        expired=-_units(moved.get("expire")),
        overage=_units(used["overage"]),
        charge=summed(used["charge"]),
    )


def windows_recent(*, days: int = 14) -> QuerySet[Window]:
    since = timezone.now() - timedelta(days=days)
    return (
        Window.objects.filter(ends_at__gte=since)
        .select_related("series", "asset", "market")
        .order_by("starts_at", "series__name")
    )


def window_reports(*, division_id: int, days: int = 14) -> list[WindowReport]:
    return [window_report(division_id=division_id, window=w) for w in windows_recent(days=days)]


def revenue_visible(user: Any) -> QuerySet[RevenueRecord]:
    """Records the user may see: all for management and auditors, else those its division
    earned or received a share of."""
    records = RevenueRecord.objects.select_related("division").prefetch_related(
        "shares__division", "shares__transaction"
    )
    if roles.sees_everything(user):
        return records
    division = roles.division_of(user)
    if division is None:
        return records.none()
    mine = Q(division=division) | Q(shares__division=division)
    return records.filter(pk__in=RevenueRecord.objects.filter(mine).values("pk"))


@dataclass(frozen=True)
class TargetProgress:
    target: RevenueTarget
    booked: Decimal

    @property
    def percent(self) -> Decimal:
        if not self.target.amount:
            return Decimal(0)
        return (self.booked / self.target.amount * 100).quantize(Decimal("0.1"))


def target_for(record: RevenueRecord) -> TargetProgress | None:
    """The earner's target whose period holds the record's, with the revenue booked in it."""
    target = RevenueTarget.objects.filter(
        division_id=record.division_id,
        period_start__lte=record.period_start,
        period_end__gte=record.period_end,
    ).first()
    if target is None:
        return None
    booked = RevenueRecord.objects.filter(
        division_id=record.division_id,
        period_start__gte=target.period_start,
        period_end__lte=target.period_end,
    ).aggregate(total=Sum("credits"))["total"]
    return TargetProgress(target=target, booked=summed(booked))
