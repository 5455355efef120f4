"""Expiry: when a window's delivery ends, the units nobody used expire (reason `expire`), once.

"Ends" counts the series' grace period for late usage reports (`Window.usage_closes_at`): usage
reported within it still consumes the units it used; after it, usage is refused and units expire.

The window row is taken FOR UPDATE (usage batches hold it FOR SHARE, so they finish first) and
`expired_at` is set in the same transaction as the postings, each keyed by window and division:
late, repeated or after a crash, the result is the same.
"""

import logging
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ledger.models import Account

from ..locks import window_for_update
from ..models import Window
from . import posting

log = logging.getLogger("tokenhub.chain")


@transaction.atomic
def window_expire(*, window_id: int, now: datetime | None = None) -> bool:
    """Expire every division's available units of an ended window; False if not due or done."""
    now = now or timezone.now()
    window = window_for_update(window_id)
    if window.expired_at is not None or window.usage_closes_at > now:
        return False
    holdings = list(
        Account.objects.filter(asset=window.asset, kind=Account.Kind.AVAILABLE)
        .exclude(division=None)
        .select_related("division")
    )
    locked = posting.lock(holdings)
    left = posting.balances(holdings)
    issuance = posting.issuance(asset=window.asset)
    expired = Decimal(0)
    for account in holdings:
        units = left.get(account.pk, Decimal(0))
        if units > 0:
            posting.move(
                reason=posting.Reason.EXPIRE, source=account, target=issuance, amount=units,
                locked={account.pk: locked[account.pk]}, reference=window,
                memo=f"{units:.0f} unused units of {window} expired",
                key=f"window:{window.pk}:expire:{account.division_id}",
            )  # fmt: skip
            expired += units
    window.expired_at = now
    window.save(update_fields=["expired_at"])
    log.info("window expired", extra={"window_id": window.pk, "units": str(expired)})
    return True


def windows_expire_due(*, now: datetime | None = None) -> int:
    """Beat: expire every window whose delivery and grace period have ended; a repeat finds
    nothing to do."""
    now = now or timezone.now()
    ended = Window.objects.filter(expired_at__isnull=True, ends_at__lte=now).select_related(
        "series"
    )
    due = sorted((w.ends_at, w.pk) for w in ended if w.usage_closes_at <= now)
    return sum(window_expire(window_id=pk, now=now) for _ends, pk in due)
