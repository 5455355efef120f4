"""Metered consumption: the platform's usage records, each booked exactly once.

A batch is all or nothing. Its records lock their windows FOR SHARE (expiry takes the window FOR
UPDATE, so a record and the expiry of its window never interleave) and then every account they
may move FOR UPDATE in primary-key order; only then are earlier bookings of the same external ids
looked up. A retried batch therefore waits for the first to commit and books nothing twice.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger.models import Account
from market import roles
from market.errors import InvalidState, NotAllowed
from market.models import Round

from ..errors import UsageRefused
from ..locks import windows_for_share
from ..models import UsageRecord, Window
from . import debts, posting

MAX_BATCH = 1000
CREDITS = 0  # the key of a division's credits account among the locked accounts
CENT = Decimal("0.01")


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


def _check(
    records: Sequence[UsageInput], divisions: dict[str, Division], windows: dict[str, Window]
) -> dict[int, str]:
    errors: dict[int, str] = {}
    seen: set[str] = set()
    for i, record in enumerate(records):
        window = windows.get(record.window)
        if record.external_id in seen:
            errors[i] = _("The external id %(id)s appears twice in this batch.") % {
                "id": record.external_id
            }
        elif record.division not in divisions:
            errors[i] = _("There is no division %(slug)s.") % {"slug": record.division}
        elif window is None:
            errors[i] = _("There is no delivery window %(code)s.") % {"code": record.window}
        elif not window.starts_at <= record.used_at < window.ends_at:
            errors[i] = _("The usage time is outside the window %(name)s.") % {"name": window}
        seen.add(record.external_id)
    return errors


def _same(record: UsageRecord, usage: UsageInput, division: Division, window: Window) -> bool:
    return (record.division_id, record.window_id, record.units, record.used_at) == (
        division.pk, window.pk, usage.units, usage.used_at
    )  # fmt: skip


@transaction.atomic
def usage_batch_record(*, by: Any, records: Sequence[UsageInput]) -> list[UsageOutcome]:
    """Book a batch of usage records, all or none; a record booked before is replayed.

    Consumes units from the division's available holdings (reason `consume`); what exceeds them
    is overage, priced and charged in credits (reason `overage`) as far as the division's
    credits reach, the rest a debt. Raises UsageRefused with per-record errors.
    """
    if not roles.is_platform(by):
        raise NotAllowed(_("Only a platform account may report usage."))
    if not 0 < len(records) <= MAX_BATCH:
        raise UsageRefused({0: _("Send between 1 and %(max)d records.") % {"max": MAX_BATCH}})
    divisions, windows = _resolve(records)
    errors = _check(records, divisions, windows)
    if errors:
        raise UsageRefused(errors)
    windows_for_share([w.pk for w in windows.values()])
    accounts = _lock_accounts(records, divisions, windows)
    # The accounts are locked: their balances change only through this batch from here on.
    left = posting.balances(accounts.values())
    sinks = {w.pk: posting.issuance(asset=w.asset) for w in windows.values()}
    earlier = UsageRecord.objects.in_bulk(
        [r.external_id for r in records], field_name="external_id"
    )
    outcomes, errors = [], {}
    for i, usage in enumerate(records):
        division, window = divisions[usage.division], windows[usage.window]
        found = earlier.get(usage.external_id)
        if found is not None and not _same(found, usage, division, window):
            errors[i] = _("The external id %(id)s was booked before with other values.") % {
                "id": usage.external_id
            }
        elif found is not None:
            outcomes.append(UsageOutcome(found, replayed=True))
        else:
            record = _book(usage, division, window, accounts, left, sinks[window.pk], by)
            outcomes.append(UsageOutcome(record, replayed=False))
    if errors:
        raise UsageRefused(errors)
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


def _book(
    usage: UsageInput,
    division: Division,
    window: Window,
    accounts: dict[tuple[int, int], Account],
    left: dict[int, Decimal],
    sink: Account,
    by: Any,
) -> UsageRecord:
    holding = accounts[(division.pk, window.asset_id)]
    consumed = min(usage.units, int(left[holding.pk]))
    overage = usage.units - consumed
    left[holding.pk] -= consumed
    try:  # no savepoint: a clash refuses the whole batch, which rolls back
        record = UsageRecord.objects.create(
            external_id=usage.external_id, division=division, window=window,
            units=usage.units, used_at=usage.used_at, consumed=consumed, overage=overage,
            charge=overage * overage_price(window) if overage else Decimal("0.00"),
            recorded_by=by,
        )  # fmt: skip
    except IntegrityError:  # the same external id, other values, booked by a racing batch
        raise InvalidState(
            _("The external id %(id)s is being booked by another request; retry.")
            % {"id": usage.external_id}
        ) from None
    if consumed:
        posting.move(
            reason=posting.Reason.CONSUME, source=holding,
            target=sink, amount=Decimal(consumed),
            locked={holding.pk: holding}, reference=record,
            memo=f"{division}: {consumed} of {window} consumed ({usage.external_id})",
            key=f"usage:{record.pk}:consume", by=by,
        )  # fmt: skip
    if record.charge:
        debts.charge_collect(record=record, account=accounts[(division.pk, CREDITS)])
    return record
