"""The ledger's hot statements in SQL give exactly what the ORM gives for the same rows."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ledger import services as ledger
from ledger import sql as ledger_sql
from ledger.models import Account, Entry, LedgerTransaction
from tests import factories

KINDS = (Account.Kind.AVAILABLE, Account.Kind.HELD)


def fields(account):
    return (account.pk, account.asset_id, account.division_id, account.kind)


def test_a_divisions_accounts_by_asset_code_or_id_are_the_orms(division, other_division):
    # given: both divisions hold credits and units, with available and held accounts
    asset = factories.MarketFactory().asset
    for who in (division, other_division):
        factories.stocked(factories.funded(who, Decimal(100)), asset, units=10)
        ledger.hold(division=who, asset=ledger.credits_asset(), amount=1)
        ledger.hold(division=who, asset=asset, amount=1)
    for asset_key, asset_id in (("credits", ledger.credits_asset().pk), (asset.pk, asset.pk)):
        expected = Account.objects.filter(division=division, asset_id=asset_id, kind__in=KINDS)
        # when
        with transaction.atomic():
            found = ledger_sql.division_accounts(division.pk, asset_key, lock=True, kinds=KINDS)
        # then
        assert [fields(a) for a in found] == [fields(a) for a in expected.order_by("pk")]
        assert [a.kind for a in found] == ["available", "held"]
        assert all(not a._state.adding for a in found)


def test_balances_are_the_sums_of_entries(division):
    factories.funded(division, Decimal("100.10"))
    credits = ledger.credits_asset()
    for amount in ("0.10", "0.20", "33.33"):
        ledger.hold(division=division, asset=credits, amount=amount)
    ids = list(Account.objects.filter(division=division).values_list("pk", flat=True))
    expected = dict(
        Entry.objects.filter(account__in=ids).values_list("account").annotate(Sum("amount"))
    )
    assert ledger_sql.balances(ids) == {
        pk: total.quantize(Decimal("0.01")) for pk, total in expected.items()
    }
    assert sorted(ledger_sql.balances(ids).values()) == [Decimal("33.63"), Decimal("66.47")]
    assert ledger_sql.balances([]) == {}


def test_a_posted_transaction_reads_back_as_it_was_returned(division, management):
    factories.funded(division, Decimal(50))
    # when
    txn = ledger.credits_grant(division=division, amount="12.34", by=management, memo="Top-up")
    # then
    stored = LedgerTransaction.objects.get(pk=txn.pk)
    for name in ("reason", "memo", "created_at", "created_by_id", "reference_id", "key"):
        assert getattr(stored, name) == getattr(txn, name), name
    assert stored.reference_type_id == txn.reference_type_id
    assert sorted(stored.entries.values_list("amount", flat=True)) == [
        Decimal("-12.34"),
        Decimal("12.34"),
    ]
