"""The ledger's hot statements, written in SQL.

Placing, changing or cancelling an order locks two accounts, sums their entries and posts one
transaction of two entries. Built through the ORM, each of those statements cost 0.7 to 1.0 ms
of CPU, seven times what running it costs (bench/load.py, README "Scaling"); written here,
about 0.1 ms. The statements are the same on PostgreSQL and SQLite but for the row lock
(SQLite serialises writers instead); values go through the backend's own adapters.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from .models import Account, Entry, LedgerTransaction, summed

CHUNK = 500  # rows per multi-row INSERT, well under either backend's parameter limit

_ACCOUNTS = (
    "SELECT a.id, a.asset_id, a.kind FROM ledger_account a"
    " JOIN ledger_asset s ON s.id = a.asset_id"
    " WHERE a.division_id = %s AND a.kind IN (%s, %s) AND {asset} ORDER BY a.id"
)


def division_accounts(
    division_id: int, asset: int | str, *, lock: bool, kinds: tuple[str, str]
) -> list[Account]:
    """A division's accounts of these two kinds in one asset (its id, or its code), by pk.

    With `lock`, the rows are taken FOR UPDATE, and only they: not the asset's row, which
    every division's orders share.
    """
    sql = _ACCOUNTS.format(asset="s.code = %s" if isinstance(asset, str) else "s.id = %s")
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF a"
    with connection.cursor() as cursor:
        cursor.execute(sql, [division_id, *map(str, kinds), asset])  # str: not the enum
        rows = cursor.fetchall()
    # from_db takes the values in the model's field order: id, asset, division, kind.
    fields = ["id", "asset_id", "division_id", "kind"]
    return [
        Account.from_db(connection.alias, fields, [pk, asset_id, division_id, kind])
        for pk, asset_id, kind in rows
    ]


def balances(account_ids: Iterable[int]) -> dict[int, Decimal]:
    """The sum of each account's entries (accounts without entries are left out)."""
    ids = list(account_ids)
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, SUM(amount) FROM ledger_entry WHERE account_id IN ({marks})"  # noqa: S608 (placeholders only)
            " GROUP BY account_id",
            ids,
        )
        rows = cursor.fetchall()
    return {pk: summed(total) for pk, total in rows}


def transaction_insert(
    *,
    reason: str,
    memo: str,
    created_at: datetime,
    created_by_id: int | None,
    reference_type_id: int | None,
    reference_id: int | None,
    key: str | None,
    entries: Sequence[tuple[int, Decimal]],
) -> LedgerTransaction:
    """Insert one transaction and its (account id, amount) entries; the caller checked them."""
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_ledgertransaction (reason, memo, created_at, created_by_id,"
            ' reference_type_id, reference_id, "key") VALUES (%s, %s, %s, %s, %s, %s, %s)'
            " RETURNING id",
            [
                reason,
                memo,
                ops.adapt_datetimefield_value(created_at),
                created_by_id,
                reference_type_id,
                reference_id,
                key,
            ],
        )
        (txn_id,) = cursor.fetchone()
        field = Entry._meta.get_field("amount")
        for start in range(0, len(entries), CHUNK):
            chunk = entries[start : start + CHUNK]
            params: list[Any] = []
            for account_id, amount in chunk:
                value = ops.adapt_decimalfield_value(amount, field.max_digits, field.decimal_places)
                params += [txn_id, account_id, value]
            cursor.execute(
                "INSERT INTO ledger_entry (transaction_id, account_id, amount) VALUES "  # noqa: S608 (placeholders only)
                + ", ".join(["(%s, %s, %s)"] * len(chunk)),
                params,
            )
    return LedgerTransaction.from_db(  # values in the model's field order
        connection.alias,
        [
            "id",
            "reason",
            "memo",
            "created_at",
            "created_by_id",
            "reference_type_id",
            "reference_id",
            "key",
        ],
        [txn_id, reason, memo, created_at, created_by_id, reference_type_id, reference_id, key],
    )
