"""Overage charges: paid at once as far as the division's credits reach, the rest a debt that
the division's next income pays first. Never below zero: a payment is what the balance allows.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from divisions.models import Division
from ledger.models import Account

from ..models import UsageRecord
from . import posting


def charge_collect(*, record: UsageRecord, account: Account) -> Decimal:
    """Pay what `record` still owes from `account` (the division's credits, locked by the
    caller) as far as it reaches; each payment is keyed by what was paid before it."""
    balance = posting.balances([account])[account.pk]
    pay = min(record.owed, balance)
    if pay <= 0:
        return Decimal("0.00")
    posting.move(
        reason=posting.Reason.OVERAGE, source=account,
        target=posting.issuance(asset=posting.credits()), amount=pay,
        locked={account.pk: account}, reference=record,
        memo=f"Overage charge of {record.external_id}: {record.overage} units",
        key=f"usage:{record.pk}:paid:{record.paid}",
    )  # fmt: skip
    UsageRecord.objects.filter(pk=record.pk).update(paid=F("paid") + pay)
    record.paid += pay
    return pay


def debt_of(division_id: int) -> Decimal:
    owed = UsageRecord.objects.filter(division_id=division_id, paid__lt=F("charge"))
    return sum((r.owed for r in owed.only("charge", "paid")), Decimal("0.00"))


def collect_locked(*, division: Division, account: Account) -> Decimal:
    """Pay the division's debts, oldest first, from its locked credits account."""
    paid = Decimal("0.00")
    owing = (
        UsageRecord.objects.select_for_update()
        .filter(division=division, paid__lt=F("charge"))
        .order_by("pk")
    )
    for record in owing:
        paid += charge_collect(record=record, account=account)
        if record.owed > 0:  # the balance ran out
            break
    return paid


@transaction.atomic
def debts_collect(*, division_id: int) -> Decimal:
    """Beat and income: pay a division's overage debts from its available credits."""
    division = Division.objects.get(pk=division_id)
    account = posting.available(division=division, asset=posting.credits())
    posting.lock([account])
    return collect_locked(division=division, account=account)


def debts_tick() -> int:
    """Collect from every division that owes; returns how many paid something."""
    owing = (
        UsageRecord.objects.filter(paid__lt=F("charge"))
        .values_list("division_id", flat=True)
        .distinct()
    )
    return sum(1 for pk in sorted(set(owing)) if debts_collect(division_id=pk) > 0)
