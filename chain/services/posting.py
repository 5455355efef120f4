"""The chain's one door to the ledger: every movement goes through the ledger's public services.

Kept in one module so the chain follows the ledger wherever it lives.
"""

from collections.abc import Iterable, Sequence
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


def post(
    *,
    reason: str,
    legs: Sequence[tuple[Account, Decimal]],
    locked: dict[int, Account],
    reference: models.Model,
    memo: str,
    key: str,
    by: Any = None,
) -> LedgerTransaction:
    """A transaction of several (account, amount) legs, posted once under `key`; the division
    accounts must be in `locked` (see `move` for the issuance accounts)."""
    locked = {**locked, **{a.pk: a for a, _amount in legs if a.division_id is None}}
    return ledger.transaction_post(
        reason=reason, legs=[ledger.Leg(a, amount) for a, amount in legs], by=by,
        reference=reference, memo=memo, key=key, locked=locked,
    )  # fmt: skip


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

    The division accounts must be in `locked` (taken FOR UPDATE by the caller). An issuance
    account has no floor, so it is not locked up front; but the posting's own UPDATE of its
    stored balance takes its row lock until the transaction commits (ledger/sql.py). Postings
    on one asset's issuance account therefore serialise: every usage batch of a window on the
    window's issuance row, every overage charge, grant and revenue share on the credits' one.
    Post on it last in a transaction, once (chain/services/usage.py does), to hold it briefly.
    """
    locked = {**locked, **{a.pk: a for a in (source, target) if a.division_id is None}}
    legs = [ledger.Leg(source, -amount), ledger.Leg(target, amount)]
    return ledger.transaction_post(
        reason=reason, legs=legs, by=by, reference=reference, memo=memo, key=key,
        locked=locked,
    )  # fmt: skip
