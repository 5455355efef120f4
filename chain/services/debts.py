"""Overage charges: paid at once as far as the division's credits reach, the rest a debt that
the division's next income pays first. Never below zero: a payment is what the balance allows.

"Next income first": the ledger calls `income_collect` (registered in `ChainConfig.ready` as a
ledger income hook, see ledger/income.py) inside every posting that raises divisions' credits
(grants, round settlements, revenue shares, rulings, transfers), so the debt is paid in the
income's own transaction, before the division can spend the income. Beat's `debts_tick` remains
for credits that come back without being income (escrow released by a cancelled order).
"""

from collections.abc import Mapping
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


def collect_locked(*, division_id: int, account: Account) -> Decimal:
    """Pay the division's debts, oldest first, from its locked credits account."""
    paid = Decimal("0.00")
    owing = (
        UsageRecord.objects.select_for_update()
        .filter(division_id=division_id, paid__lt=F("charge"))
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
    return collect_locked(division_id=division.pk, account=account)


def income_collect(*, division_ids: frozenset[int], locked: Mapping[int, Account]) -> None:
    """The ledger's income hook: every division among `division_ids` that owes pays its debts
    from its available credits (locked by the posting) at once. One query when none owes."""
    owing = set(
        UsageRecord.objects.filter(division_id__in=division_ids, paid__lt=F("charge"))
        .values_list("division_id", flat=True)
        .distinct()
    )
    if not owing:
        return
    credits_id = posting.credits().pk
    accounts = {
        a.division_id: a
        for a in locked.values()
        if a.division_id in owing and a.asset_id == credits_id and a.kind == posting.AVAILABLE
    }
    for division_id in sorted(accounts):  # income into held only waits for the tick
        collect_locked(division_id=division_id, account=accounts[division_id])


def debts_tick() -> int:
    """Collect from every division that owes; returns how many paid something."""
    owing = (
        UsageRecord.objects.filter(paid__lt=F("charge"))
        .values_list("division_id", flat=True)
        .distinct()
    )
    return sum(1 for pk in sorted(set(owing)) if debts_collect(division_id=pk) > 0)
