"""A division's ledger statement for one asset: one row per transaction, with running balances.

Each row is a ledger transaction that moved the division's available or held balance of the
asset, with both changes and both balances after it. Every entry records its account's balance
after it, so a row's balances are read, not summed: a page reads its own rows (and, where a
transaction moved only one of the two accounts, the other account's latest entry before it, one
index lookup). Filters apply to the rows; the balances stay the real ones. The first and the
last pages read from their own end of the history, so neither grows with it; the CSV export
streams through a server-side cursor.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger.models import Account, Asset, Entry, LedgerTransaction, summed

from ..memos import memo_for_reader
from ..models import Order

# A page of k rows after an offset lies within each account's first offset + k entries from that
# end (`reach`): two index scans of that many rows, whatever the history; a row's balance is its
# entry's, or the account's latest before it.
STATEMENT_SQL = """
WITH page AS (
  SELECT e.transaction_id AS txn_id,
         SUM(CASE WHEN e.account_id = %(available)s THEN e.amount ELSE 0 END) AS available_change,
         SUM(CASE WHEN e.account_id = %(held)s THEN e.amount ELSE 0 END) AS held_change,
         MAX(CASE WHEN e.account_id = %(available)s THEN e.balance_after END) AS available_after,
         MAX(CASE WHEN e.account_id = %(held)s THEN e.balance_after END) AS held_after
  FROM (
    SELECT * FROM (
      SELECT e.transaction_id, e.account_id, e.amount, e.balance_after FROM {entry} e {join}
      WHERE e.account_id = %(available)s AND {where}
      ORDER BY e.transaction_id {direction} {reach}
    ) a
    UNION ALL
    SELECT * FROM (
      SELECT e.transaction_id, e.account_id, e.amount, e.balance_after FROM {entry} e {join}
      WHERE e.account_id = %(held)s AND {where}
      ORDER BY e.transaction_id {direction} {reach}
    ) h
  ) e
  GROUP BY e.transaction_id
  ORDER BY e.transaction_id {direction}
  {page}
)
SELECT {columns}, p.available_change, p.held_change,
  COALESCE(p.available_after, (SELECT x.balance_after FROM {entry} x
    WHERE x.account_id = %(available)s AND x.transaction_id < p.txn_id
    ORDER BY x.transaction_id DESC LIMIT 1), 0) AS available_balance,
  COALESCE(p.held_after, (SELECT x.balance_after FROM {entry} x
    WHERE x.account_id = %(held)s AND x.transaction_id < p.txn_id
    ORDER BY x.transaction_id DESC LIMIT 1), 0) AS held_balance,
  o.public_id AS order_public_id
FROM page p JOIN {txn} t ON t.id = p.txn_id
LEFT JOIN {order} o ON t.reference_type_id = %(order_type)s AND o.id = t.reference_id
ORDER BY t.id DESC
"""
COUNT_SQL = """
SELECT COUNT(DISTINCT e.transaction_id) FROM {entry} e {join}
WHERE e.account_id IN (%(available)s, %(held)s) AND {where}
"""
_TXN_FIELDS = [f.attname for f in LedgerTransaction._meta.concrete_fields]
_TXN_COLS = [f.get_col("t") for f in LedgerTransaction._meta.concrete_fields]
_COLUMNS = ", ".join(f't."{f.column}"' for f in LedgerTransaction._meta.concrete_fields)
_TABLES = {
    "entry": Entry._meta.db_table,
    "txn": LedgerTransaction._meta.db_table,
    "order": Order._meta.db_table,
}
NO_ACCOUNT = -1  # the division has no such account yet: it matches no entry


@dataclass(frozen=True)
class StatementFilter:
    asset: Asset
    reason: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _where(filters: StatementFilter) -> tuple[str, str, dict[str, Any]]:
    """The filters' SQL, the join they need (none without filters) and their parameters."""
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
    join = f"JOIN {_TABLES['txn']} t ON t.id = e.transaction_id" if params else ""
    return " AND ".join(clauses), join, params


class Statement:
    """The statement rows, sliceable and countable, so Django's Paginator can page them."""

    def __init__(self, *, division: Division, filters: StatementFilter) -> None:
        self.division, self.filters = division, filters
        self._accounts: dict[str, int] | None = None
        self._count: int | None = None

    def _params(self) -> dict[str, Any]:
        if self._accounts is None:
            found = dict(
                Account.objects.filter(
                    division=self.division,
                    asset=self.filters.asset,
                    kind__in=[Account.Kind.AVAILABLE, Account.Kind.HELD],
                ).values_list("kind", "pk")
            )
            self._accounts = {
                "available": found.get(Account.Kind.AVAILABLE, NO_ACCOUNT),
                "held": found.get(Account.Kind.HELD, NO_ACCOUNT),
                "order_type": ContentType.objects.get_for_model(Order).pk,  # cached
            }
        return dict(self._accounts)

    def _sql(self, *, direction: str = "DESC", page: str = "") -> tuple[str, dict[str, Any]]:
        where, join, params = _where(self.filters)
        reach = "LIMIT %(reach)s" if page else ""
        sql = STATEMENT_SQL.format(
            **_TABLES,
            columns=_COLUMNS,
            join=join,
            where=where,
            direction=direction,
            page=page,
            reach=reach,
        )
        return sql, self._params() | params

    def count(self) -> int:
        if self._count is None:
            where, join, params = _where(self.filters)
            with connection.cursor() as cursor:
                cursor.execute(
                    COUNT_SQL.format(**_TABLES, join=join, where=where), self._params() | params
                )
                self._count = int(cursor.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list["StatementRow"]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("A statement is read a page (a slice) at a time.")
        start, stop = index.start or 0, index.stop
        if stop is None:
            return list(self.rows())
        limit = max(stop - start, 0)
        direction, offset = "DESC", start
        if self._count is not None and start > self._count // 2:  # nearer the oldest end
            end = min(stop, self._count)
            direction, offset, limit = "ASC", self._count - end, end - start
        sql, params = self._sql(direction=direction, page="LIMIT %(limit)s OFFSET %(offset)s")
        with connection.cursor() as cursor:
            limit = max(limit, 0)
            cursor.execute(
                sql, params | {"limit": limit, "offset": offset, "reach": offset + limit}
            )
            row = _row_maker()
            return [row(values) for values in cursor.fetchall()]

    def rows(self) -> Iterator["StatementRow"]:
        """Every row, newest first, streamed (for the CSV export)."""
        sql, params = self._sql()
        row = _row_maker()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while batch := cursor.fetchmany(2000):
                yield from (row(values) for values in batch)


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
        kind, type_id = self.reference_kind, self.txn.reference_type_id
        if kind == "order":
            return _("Order %(order)s") % {"order": self.reference_public_id}
        if not kind or type_id is None:
            return ""
        model = ContentType.objects.get_for_id(type_id).model_class()
        name = model._meta.verbose_name if model is not None else kind
        return _("%(kind)s #%(id)s") % {"kind": capfirst(name), "id": self.txn.reference_id}


def _row_maker() -> Any:
    """Rows → StatementRows, with the backend's converters (e.g. SQLite's text times and
    UUIDs; none on PostgreSQL) looked up once per query, not per row."""
    alias, fields = connection.alias, len(_TXN_FIELDS)
    converters = [
        (i, col, found)
        for i, col in enumerate(_TXN_COLS)
        if (
            found := connection.ops.get_db_converters(col)
            + col.output_field.get_db_converters(connection)
        )
    ]

    def row(values: tuple[Any, ...]) -> StatementRow:
        txn_values = list(values[:fields])
        for i, col, found in converters:
            for convert in found:
                txn_values[i] = convert(txn_values[i], col, connection)
        available_change, held_change, available_balance, held_balance, order = values[fields:]
        txn = LedgerTransaction.from_db(alias, _TXN_FIELDS, txn_values)
        txn.order_public_id = order  # type: ignore[attr-defined]
        # Shown, never saved (ledger transactions refuse saving once posted): the market's own
        # memos in the reader's language, as the page and the CSV show them.
        txn.memo = memo_for_reader(txn.memo)
        return StatementRow(
            txn=txn,
            available_change=summed(available_change),
            held_change=summed(held_change),
            available_balance=summed(available_balance),
            held_balance=summed(held_balance),
        )

    return row
