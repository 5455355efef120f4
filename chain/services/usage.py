"""Metered consumption: the platform's usage records, each booked exactly once.

A batch is all or nothing. Its records lock their windows FOR SHARE (expiry takes the window FOR
UPDATE, so a record and the expiry of its window never interleave) and then every account they
may move FOR UPDATE in primary-key order; only then are earlier bookings of the same external ids
looked up. A retried batch therefore waits for the first to commit and books nothing twice.

A record is booked only if it happened (its time is not in the future, beyond a minute of clock
skew), within its window's delivery, and is reported before the window closes for reports (its
end plus the series' grace period, and before its expiry). A record booked before is replayed
even after that: a retry never fails for being late. Refusals carry a stable code per record.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger.models import Account
from market import roles
from market.errors import InvalidState, NotAllowed
from market.models import Round
from tokenhub.formatting import when

from ..errors import UsageRefused
from ..locks import windows_for_share
from ..models import UsageRecord, Window
from . import debts, posting

MAX_BATCH = 1000
CREDITS = 0  # the key of a division's credits account among the locked accounts
CENT = Decimal("0.01")
CLOCK_SKEW = timedelta(minutes=1)  # how far ahead of ours a platform's clock may run


@dataclass(frozen=True)
class UsageInput:
    """One usage record as the API parsed it (strict types already)."""

    external_id: str
    division: str  # slug
    window: str  # the window asset's code
    units: int
    used_at: datetime


@dataclass(frozen=True)
class UsageOutcome:
    record: UsageRecord
    replayed: bool  # booked by an earlier request with the same external id


def _resolve(records: Sequence[UsageInput]) -> tuple[dict[str, Division], dict[str, Window]]:
    divisions = {d.slug: d for d in Division.objects.filter(slug__in={r.division for r in records})}
    windows = Window.objects.select_related("asset", "series", "market").filter(
        asset__code__in={r.window for r in records}
    )
    return divisions, {w.asset.code: w for w in windows}


Errors = dict[int, tuple[str, str]]  # record index -> (code, message); see chain.errors


def _check(
    records: Sequence[UsageInput],
    divisions: dict[str, Division],
    windows: dict[str, Window],
    now: datetime,
) -> Errors:
    """What is wrong with each record whatever the database holds."""
    errors: Errors = {}
    seen: set[str] = set()
    for i, record in enumerate(records):
        window = windows.get(record.window)
        if record.external_id in seen:
            errors[i] = (
                "duplicate_in_batch",
                _("The external id %(id)s appears twice in this batch.")
                % {"id": record.external_id},
            )
        elif record.division not in divisions:
            errors[i] = (
                "unknown_division",
                _("There is no division %(slug)s.") % {"slug": record.division},
            )
        elif window is None:
            errors[i] = (
                "unknown_window",
                _("There is no delivery window %(code)s.") % {"code": record.window},
            )
        else:
            error = _check_time(record.used_at, window, now)
            if error is not None:
                errors[i] = error
        seen.add(record.external_id)
    return errors


def _check_time(used_at: datetime, window: Window, now: datetime) -> tuple[str, str] | None:
    at = when(used_at, seconds=True)
    if used_at > now + CLOCK_SKEW:
        return "used_in_future", _("The usage time %(at)s is in the future.") % {"at": at}
    if used_at < window.starts_at:
        return "used_before_window", _(
            "The usage time %(at)s is before the delivery of %(window)s starts (%(start)s)."
        ) % {"at": at, "window": window, "start": when(window.starts_at)}
    if used_at >= window.ends_at:
        return "used_after_window", _(
            "The usage time %(at)s is after the delivery of %(window)s ended (%(end)s)."
        ) % {"at": at, "window": window, "end": when(window.ends_at)}
    return None


def _closed(window: Window, expired_at: datetime | None, now: datetime) -> tuple[str, str] | None:
    """Refusal of a new record of a window closed for reports (its grace period is over)."""
    if expired_at is None and now < window.usage_closes_at:
        return None
    return "window_closed", _(
        "Usage of %(window)s was accepted until %(until)s; the window is closed and its unused "
        "units have expired or are expiring."
    ) % {"window": window, "until": when(window.usage_closes_at)}


def _same(record: UsageRecord, usage: UsageInput, division: Division, window: Window) -> bool:
    return (record.division_id, record.window_id, record.units, record.used_at) == (
        division.pk, window.pk, usage.units, usage.used_at
    )  # fmt: skip


@transaction.atomic
def usage_batch_record(
    *, by: Any, records: Sequence[UsageInput], now: datetime | None = None
) -> list[UsageOutcome]:
    """Book a batch of usage records, all or none; a record booked before is replayed.

    Consumes units from the division's available holdings (reason `consume`); what exceeds them
    is overage, priced and charged in credits (reason `overage`) as far as the division's
    credits reach, the rest a debt. Raises UsageRefused with per-record errors.
    """
    if not roles.is_platform(by):
        raise NotAllowed(_("Only a platform account may report usage."))
    if not 0 < len(records) <= MAX_BATCH:
        message = _("Send between 1 and %(max)d records.") % {"max": MAX_BATCH}
        raise UsageRefused({0: ("batch_size", message)})
    now = now or timezone.now()
    divisions, windows = _resolve(records)
    errors = _check(records, divisions, windows, now)
    if errors:
        raise UsageRefused(errors)
    expired_at = windows_for_share(sorted(w.pk for w in windows.values()))
    accounts = _lock_accounts(records, divisions, windows)
    # The accounts are locked: their balances change only through this batch from here on.
    left = posting.balances(accounts.values())
    earlier = UsageRecord.objects.in_bulk(
        [r.external_id for r in records], field_name="external_id"
    )
    outcomes: list[UsageOutcome] = []
    for i, usage in enumerate(records):
        division, window = divisions[usage.division], windows[usage.window]
        found = earlier.get(usage.external_id)
        closed = _closed(window, expired_at.get(window.pk), now) if found is None else None
        if found is not None and not _same(found, usage, division, window):
            errors[i] = (
                "external_id_conflict",
                _("The external id %(id)s was booked before with other values.")
                % {"id": usage.external_id},
            )
        elif found is not None:
            outcomes.append(UsageOutcome(found, replayed=True))
        elif closed is not None:
            errors[i] = closed
        elif errors:
            continue  # the batch is refused: book nothing more, but name every bad record
        else:
            record = _priced(usage, division, window, accounts, left, by)
            outcomes.append(UsageOutcome(record, replayed=False))
    if errors:
        raise UsageRefused(errors)
    _book([o.record for o in outcomes if not o.replayed], windows, accounts, by)
    return outcomes


def _lock_accounts(
    records: Sequence[UsageInput], divisions: dict[str, Division], windows: dict[str, Window]
) -> dict[tuple[int, int], Account]:
    """Each (division, asset) account a record may move, locked by pk; a division's credits
    account under (division id, CREDITS)."""
    credits = posting.credits()
    wanted: dict[tuple[int, int], Account] = {}
    for usage in records:
        division, asset = divisions[usage.division], windows[usage.window].asset
        for key, a in (((division.pk, asset.pk), asset), ((division.pk, CREDITS), credits)):
            if key not in wanted:
                wanted[key] = posting.available(division=division, asset=a)
    posting.lock(wanted.values())
    return wanted


def overage_price(window: Window) -> Decimal:
    """Credits per overage unit: the window's last clearing price (or the series' fallback
    price when it never cleared) × the series' overage factor, to the cent."""
    last = (
        Round.objects.filter(market_id=window.market_id, price__isnull=False)
        .order_by("-number")
        .values_list("price", flat=True)
        .first()
    )
    base = last if last is not None else window.series.overage_price
    return (base * window.series.overage_factor).quantize(CENT, ROUND_HALF_EVEN)


def _priced(
    usage: UsageInput,
    division: Division,
    window: Window,
    accounts: dict[tuple[int, int], Account],
    left: dict[int, Decimal],
    by: Any,
) -> UsageRecord:
    """The record, not yet saved: what its units consume from what is left, the rest overage."""
    holding = accounts[(division.pk, window.asset_id)]
    consumed = min(usage.units, int(left[holding.pk]))
    overage = usage.units - consumed
    left[holding.pk] -= consumed
    return UsageRecord(
        external_id=usage.external_id, division=division, window=window,
        units=usage.units, used_at=usage.used_at, consumed=consumed, overage=overage,
        charge=overage * overage_price(window) if overage else Decimal("0.00"),
        recorded_by=by,
    )  # fmt: skip


def _book(
    records: list[UsageRecord],
    windows: dict[str, Window],
    accounts: dict[tuple[int, int], Account],
    by: Any,
) -> None:
    """Save the batch's new records and post what they consumed and owe.

    The consumption of a window is one ledger transaction per batch, posted last: it moves the
    window's issuance account, a row every batch of that window updates and holds until it
    commits (ledger/sql.py), so it is held only for that statement and the commit.
    """
    try:  # no savepoint: a clash refuses the whole batch, which rolls back
        UsageRecord.objects.bulk_create(records)
    except IntegrityError:  # the same external id, other values, booked by a racing batch
        raise InvalidState(
            _("An external id of this batch is being booked by another request; retry.")
        ) from None
    for record in records:  # overage: its own postings, each keyed by what was paid before
        if record.charge:
            debts.charge_collect(record=record, account=accounts[(record.division_id, CREDITS)])
    by_window: dict[int, list[UsageRecord]] = {}
    for record in records:
        if record.consumed:
            by_window.setdefault(record.window_id, []).append(record)
    for window in sorted(windows.values(), key=lambda w: w.pk):
        consuming = by_window.get(window.pk)
        if consuming:
            _consume(window, consuming, accounts, by)


def _consume(
    window: Window,
    records: list[UsageRecord],
    accounts: dict[tuple[int, int], Account],
    by: Any,
) -> None:
    """One `consume` transaction: each division's holding gives what its records used."""
    used: dict[int, int] = {}
    for record in records:
        used[record.division_id] = used.get(record.division_id, 0) + record.consumed
    holdings = {d: accounts[(d, window.asset_id)] for d in used}
    total = sum(used.values())
    legs = [(holdings[d], -Decimal(units)) for d, units in sorted(used.items())]
    posting.post(
        reason=posting.Reason.CONSUME,
        legs=[*legs, (posting.issuance(asset=window.asset), Decimal(total))],
        locked={a.pk: a for a in holdings.values()},
        reference=window,
        memo=f"{window}: {total} units consumed by {len(records)} usage record(s) "
        f"({records[0].external_id}{' …' if len(records) > 1 else ''})",
        key=f"usage:{records[0].pk}:consume",
        by=by,
    )
