"""Stored balances: kept by every posting, refused below zero by the database, reconciled daily."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from ledger import services as ledger
from ledger import tasks
from ledger.errors import InsufficientFunds
from ledger.models import Account, Entry
from ledger.reconcile import differences
from market.selectors.statement import Statement, StatementFilter
from tests import factories


def accounts_of(division):
    return {a.kind: a for a in Account.objects.filter(division=division, asset__code="credits")}


def test_each_posting_moves_the_balance_and_records_it_on_the_entry(division):
    factories.funded(division, Decimal("100.00"))
    credits = ledger.credits_asset()
    ledger.hold(division=division, asset=credits, amount="30.10")
    ledger.release(division=division, asset=credits, amount="0.10")
    accounts = accounts_of(division)
    assert (accounts["available"].balance, accounts["held"].balance) == (
        Decimal("70.00"),
        Decimal("30.00"),
    )
    after = list(
        Entry.objects.filter(account=accounts["available"])
        .order_by("pk")
        .values_list("amount", "balance_after")
    )
    assert after == [
        (Decimal("100.00"), Decimal("100.00")),
        (Decimal("-30.10"), Decimal("69.90")),
        (Decimal("0.10"), Decimal("70.00")),
    ]
    issuance = Account.objects.get(asset=credits, kind="issuance")
    assert issuance.balance == Decimal("-100.00")  # issuance runs negative by design
    assert differences() == []


def test_the_database_refuses_a_division_balance_below_zero_whoever_writes_it(division):
    factories.funded(division, Decimal("10.00"))
    available = accounts_of(division)["available"]
    # a write that bypasses the services: the CHECK constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET balance = -0.01 WHERE id = %s", [available.pk])
    available.refresh_from_db()
    assert available.balance == Decimal("10.00")
    # an issuance account may run negative: the same write is accepted there
    issuance = Account.objects.get(asset__code="credits", kind="issuance")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET balance = -1000 WHERE id = %s", [issuance.pk])


def test_a_transaction_that_would_overdraw_is_refused_and_moves_nothing(division, other_division):
    factories.funded(division, Decimal("5.00"))
    credits = ledger.credits_asset()
    with pytest.raises(InsufficientFunds):
        ledger.transfer(source=division, target=other_division, asset=credits, amount=6, by=None)
    assert accounts_of(division)["available"].balance == Decimal("5.00")
    assert differences() == []


def tamper(account: Account, balance: str) -> None:
    """A stored balance changed behind the ledger's back (accounts are not append-only)."""
    Account.objects.filter(pk=account.pk).update(balance=Decimal(balance))


def test_the_reconciliation_finds_a_balance_that_is_not_the_sum_of_its_entries(division):
    factories.funded(division, Decimal("50.00"))
    available = accounts_of(division)["available"]
    call_command("ledger_reconcile")  # clean: no error
    tamper(available, "49.00")
    found = differences()
    assert [(d.account_id, d.balance, d.entries_sum) for d in found] == [
        (available.pk, Decimal("49.00"), Decimal("50.00"))
    ]
    with pytest.raises(CommandError, match="1 account"):
        call_command("ledger_reconcile")


def test_the_daily_task_alerts_management_on_a_difference(division, management, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    management.email = "cfo@example.com"
    management.save()
    factories.funded(division, Decimal("50.00"))
    assert tasks.reconcile() == 0
    assert mail.outbox == []
    tamper(accounts_of(division)["available"], "60.00")
    assert tasks.reconcile() == 1
    assert [m.to for m in mail.outbox] == [["cfo@example.com"]]
    assert "does not reconcile" in mail.outbox[0].subject


def test_the_reconciliation_runs_daily_from_beat(beat_schedules):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="ledger.reconcile")
    assert (task.interval.every, task.interval.period, task.enabled) == (1, "days", True)


def statement_rows(division, **filters):
    statement = Statement(
        division=division, filters=StatementFilter(asset=ledger.credits_asset(), **filters)
    )
    count = statement.count()
    return statement, count


def test_every_page_of_a_statement_shows_the_balances_the_history_sums_to(division):
    # given: 23 transactions, some moving only available, some both accounts
    factories.funded(division, Decimal("100.00"))
    credits = ledger.credits_asset()
    for i in range(11):
        ledger.hold(division=division, asset=credits, amount=f"{i + 1}.00")
        ledger.release(division=division, asset=credits, amount="1.00")
    statement, count = statement_rows(division)
    assert count == 23
    # when: read page by page, from both ends (the back half reads from the oldest end)
    pages = [statement[start : start + 5] for start in range(0, count, 5)]
    rows = [row for page in pages for row in page]
    # then: each row's balances are the sums of every entry up to its transaction
    assert [row.txn.pk for row in rows] == sorted((r.txn.pk for r in rows), reverse=True)
    accounts = accounts_of(division)
    for row in rows:
        for kind, shown in (("available", row.available_balance), ("held", row.held_balance)):
            total = Entry.objects.filter(
                account=accounts[kind], transaction_id__lte=row.txn.pk
            ).aggregate(total=Sum("amount"))["total"]
            assert shown == (total or 0), (row.txn.pk, kind)
    assert [row.txn.pk for row in statement.rows()] == [row.txn.pk for row in rows]
    holds = statement_rows(division, reason="hold")[0]
    assert len(holds[0:50]) == holds.count() == 11
