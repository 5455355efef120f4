"""Keeping each ended window's utilisation: what was delivered, consumed and expired.

Beat runs ``utilisation_record_due`` every minute: each window whose delivery has ended and
whose unused units have expired (``chain.services.expiry``) gets one ``WindowUtilisation`` row
and one ``DivisionUtilisation`` row per division that held any of it, written in one
transaction under the window's row lock; the window row is the marker, so a repeat, a retry or
a second worker records nothing twice.

Per division, from the window asset's ledger entries (available and escrow accounts summed, so
escrow holds and releases cancel out): *held* is everything that came in or went out other
than consumption and expiry (mint, trades, rulings, corrections), *consumed* what metered usage
took from its holdings, *expired* what was left when delivery ended. A window's *delivered*
units are those minted into it; its utilisation is consumed ÷ delivered.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from chain.models import UsageRecord, Window
from ledger.models import Entry, LedgerTransaction

from ..models import DivisionUtilisation, WindowUtilisation

Reason = LedgerTransaction.Reason
BATCH = 500


@transaction.atomic
def utilisation_record(*, window_id: int) -> bool:
    """Record one expired window's utilisation; False if not expired yet or already kept."""
    window = Window.objects.select_for_update(of=("self",)).filter(pk=window_id).first()
    if window is None or window.expired_at is None:
        return False
    if WindowUtilisation.objects.filter(window=window).exists():
        return False
    moved: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        Entry.objects.filter(account__asset_id=window.asset_id, account__division__isnull=False)
        .values_list("account__division_id", "transaction__reason")
        .annotate(units=Sum("amount"))
    )
    for division_id, reason, units in rows:
        moved[division_id][reason] = units
    used = {
        row["division_id"]: row
        for row in UsageRecord.objects.filter(window=window)
        .values("division_id")
        .annotate(consumed=Sum("consumed"), overage=Sum("overage"))
    }
    divisions = []
    for division_id in sorted(set(moved) | set(used)):
        reasons = moved.get(division_id, {})
        usage: dict[str, Any] = dict(used.get(division_id) or {})
        held = sum(
            (u for r, u in reasons.items() if r not in (Reason.CONSUME, Reason.EXPIRE)),
            Decimal(0),
        )
        divisions.append(
            DivisionUtilisation(
                window=window,
                series_id=window.series_id,
                division_id=division_id,
                starts_at=window.starts_at,
                held=max(int(held), 0),
                consumed=int(usage.get("consumed") or 0),
                expired=max(-int(reasons.get(Reason.EXPIRE, 0)), 0),
                overage=int(usage.get("overage") or 0),
            )
        )
    DivisionUtilisation.objects.bulk_create(divisions)
    minted = sum((r.get(Reason.MINT, Decimal(0)) for r in moved.values()), Decimal(0))
    WindowUtilisation.objects.create(
        window=window,
        series_id=window.series_id,
        starts_at=window.starts_at,
        delivered=max(int(minted), 0),
        consumed=sum(d.consumed for d in divisions),
        expired=sum(d.expired for d in divisions),
        overage=sum(d.overage for d in divisions),
    )
    return True


def utilisation_record_due(*, limit: int = BATCH) -> int:
    """Beat: every expired window not kept yet, oldest first; a repeat finds nothing to do."""
    due = (
        Window.objects.filter(expired_at__isnull=False)
        .exclude(pk__in=WindowUtilisation.objects.values("window_id"))
        .order_by("ends_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(utilisation_record(window_id=pk) for pk in list(due))
