"""A division's ledger statement for one asset: one row per transaction, with running balances.

Each row is a ledger transaction that moved the division's available or held balance of the
asset, with both changes and both balances after it. The balances run over every transaction
and filters apply afterwards, so a filtered page still shows the real balance after each row.
A window function computes them in the database: a page costs a count and one query, and the
CSV export streams, whatever the number of entries.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from divisions.models import Division
from ledger.models import Account, Asset, Entry, LedgerTransaction, summed

from ..models import Order

# Balances are summed per transaction, then run in transaction order (ids only grow).
STATEMENT_SQL = """
WITH moves AS (
  SELECT e.transaction_id AS txn_id,
         SUM(CASE WHEN a.kind = %(available)s THEN e.amount ELSE 0 END) AS available_change,
         SUM(CASE WHEN a.kind = %(held)s THEN e.amount ELSE 0 END) AS held_change
  FROM {entry} e JOIN {account} a ON a.id = e.account_id
  WHERE a.division_id = %(division)s AND a.asset_id = %(asset)s
  GROUP BY e.transaction_id
), running AS (
  SELECT txn_id, available_change, held_change,
         SUM(available_change) OVER (ORDER BY txn_id) AS available_balance,
         SUM(held_change) OVER (ORDER BY txn_id) AS held_balance
  FROM moves
)
SELECT t.*, r.available_change, r.held_change, r.available_balance, r.held_balance,
       o.public_id AS order_public_id
FROM running r JOIN {txn} t ON t.id = r.txn_id
LEFT JOIN {order} o ON t.reference_type_id = %(order_type)s AND o.id = t.reference_id
WHERE {where}
ORDER BY t.id DESC
{page}
"""


@dataclass(frozen=True)
class StatementFilter:
    asset: Asset
    reason: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _where(filters: StatementFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if filters.reason:
        clauses.append("t.reason = %(reason)s")
        params["reason"] = filters.reason
    adapt = connection.ops.adapt_datetimefield_value
    if filters.since:
        clauses.append("t.created_at >= %(since)s")
        params["since"] = adapt(_start_of(filters.since))
    if filters.until:
        clauses.append("t.created_at < %(until)s")
        params["until"] = adapt(_start_of(filters.until + timedelta(days=1)))
    return " AND ".join(clauses), params


class Statement:
    """The statement rows, sliceable and countable, so Django's Paginator can page them."""

    def __init__(self, *, division: Division, filters: StatementFilter) -> None:
        self.division, self.filters = division, filters

    def _raw(self, page: str = "", extra: dict[str, Any] | None = None) -> Any:
        where, params = _where(self.filters)
        sql = STATEMENT_SQL.format(
            entry=Entry._meta.db_table,
            account=Account._meta.db_table,
            txn=LedgerTransaction._meta.db_table,
            order=Order._meta.db_table,
            where=where,
            page=page,
        )
        params |= {
            "available": Account.Kind.AVAILABLE,
            "held": Account.Kind.HELD,
            "division": self.division.pk,
            "asset": self.filters.asset.pk,
            "order_type": ContentType.objects.get_for_model(Order).pk,
            **(extra or {}),
        }
        return LedgerTransaction.objects.raw(sql, params)

    def count(self) -> int:
        touched = Q(
            entries__account__division=self.division, entries__account__asset=self.filters.asset
        )
        txns = LedgerTransaction.objects.filter(touched)
        if self.filters.reason:
            txns = txns.filter(reason=self.filters.reason)
        if self.filters.since:
            txns = txns.filter(created_at__gte=_start_of(self.filters.since))
        if self.filters.until:
            txns = txns.filter(created_at__lt=_start_of(self.filters.until + timedelta(days=1)))
        return txns.values("pk").distinct().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list["StatementRow"]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("A statement is read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if stop is None:
            return list(self.rows())
        page = "LIMIT %(limit)s OFFSET %(offset)s"
        rows = self._raw(page, {"limit": max(stop - start, 0), "offset": start})
        return [_clean(row) for row in rows]

    def rows(self) -> Iterator["StatementRow"]:
        """Every row, newest first, streamed (for the CSV export)."""
        for row in self._raw().iterator():
            yield _clean(row)


@dataclass(frozen=True)
class StatementRow:
    txn: LedgerTransaction
    available_change: Decimal
    held_change: Decimal
    available_balance: Decimal
    held_balance: Decimal

    @property
    def reference_kind(self) -> str:
        """The model that caused the transaction ("order", "round", "division", ...)."""
        if not self.txn.reference_type_id:
            return ""
        return ContentType.objects.get_for_id(self.txn.reference_type_id).model  # cached

    @property
    def reference_public_id(self) -> str:
        """An order's opaque public id; other references are the division's own or public."""
        return getattr(self.txn, "order_public_id", None) or ""

    @property
    def reference_label(self) -> str:
        kind = self.reference_kind
        if kind == "order":
            return f"Order {self.reference_public_id}"
        return f"{kind.capitalize()} #{self.txn.reference_id}" if kind else ""


def _clean(row: Any) -> StatementRow:
    return StatementRow(
        txn=row,
        available_change=summed(row.available_change),
        held_change=summed(row.held_change),
        available_balance=summed(row.available_balance),
        held_balance=summed(row.held_balance),
    )
