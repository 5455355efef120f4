"""The chain's one door to the ledger: every movement goes through the ledger's public services.

Kept in one module so the chain follows the ledger wherever it lives.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from divisions.models import Division
from ledger import services as ledger
from ledger.locks import accounts_for_update
from ledger.models import Account, Asset, LedgerTransaction

Reason = LedgerTransaction.Reason
AVAILABLE = Account.Kind.AVAILABLE


def available(*, division: Division, asset: Asset) -> Account:
    return ledger.account_get(asset=asset, division=division, kind=AVAILABLE)


def issuance(*, asset: Asset) -> Account:
    return ledger.account_get(asset=asset, division=None, kind=Account.Kind.ISSUANCE)


def credits() -> Asset:
    return ledger.credits_asset()


def lock(accounts: Iterable[Account]) -> dict[int, Account]:
    """Take the accounts FOR UPDATE in primary-key order (the ledger's deadlock-free order)."""
    return accounts_for_update(a.pk for a in accounts)


def balances(accounts: Iterable[Account]) -> dict[int, Decimal]:
    return ledger.balances_of(a.pk for a in accounts)


def move(
    *,
    reason: str,
    source: Account,
    target: Account,
    amount: Decimal,
    locked: dict[int, Account],
    reference: models.Model,
    memo: str,
    key: str,
    by: Any = None,
) -> LedgerTransaction:
    """One two-legged transaction between locked accounts, posted once under `key`.

    An issuance account has no floor, so it is never locked (every division's consumption of an
    asset would queue on it); the division accounts must be in `locked`.
    """
    locked = {**locked, **{a.pk: a for a in (source, target) if a.division_id is None}}
    legs = [ledger.Leg(source, -amount), ledger.Leg(target, amount)]
    return ledger.transaction_post(
        reason=reason, legs=legs, by=by, reference=reference, memo=memo, key=key,
        locked=locked,
    )  # fmt: skip
