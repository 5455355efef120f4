"""The ledger's hot statements, written in SQL.

Placing, changing or cancelling an order locks two accounts (reading their balances) and posts one
transaction of two entries, which also moves the accounts' balances. Built through the ORM, each
of those statements cost 0.7 to 1.0 ms of CPU, seven times what running it costs (bench/load.py,
README "Scaling"); written here, about 0.1 ms, and on PostgreSQL the posting is one statement.
Values go through the backend's own adapters.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection

from .models import Account, Entry, LedgerTransaction

CHUNK = 2000  # entries per statement, well under either backend's parameter limit

_ACCOUNTS = (
    "SELECT a.id, a.asset_id, a.kind, a.balance FROM ledger_account a"
    " JOIN ledger_asset s ON s.id = a.asset_id"
    " WHERE a.division_id = %s AND a.kind IN (%s, %s) AND {asset} ORDER BY a.id"
)
_ACCOUNT_FIELDS = ["id", "asset_id", "division_id", "kind", "balance"]  # the model's field order


def division_accounts(
    division_id: int, asset: int | str, *, lock: bool, kinds: tuple[str, str]
) -> list[Account]:
    """A division's accounts of these two kinds in one asset (its id, or its code), by pk.

    With `lock`, the rows are taken FOR UPDATE, and only they: not the asset's row, which
    every division's orders share. Their balances come with them.
    """
    sql = _ACCOUNTS.format(asset="s.code = %s" if isinstance(asset, str) else "s.id = %s")
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE OF a"
    with connection.cursor() as cursor:
        cursor.execute(sql, [division_id, *map(str, kinds), asset])  # str: not the enum
        rows = cursor.fetchall()
    return [
        Account.from_db(
            connection.alias, _ACCOUNT_FIELDS, [pk, asset_id, division_id, kind, _decimal(balance)]
        )
        for pk, asset_id, kind, balance in rows
    ]


def balances(account_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each account's balance (one row each, whatever its history)."""
    ids = list(account_ids)
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, balance FROM ledger_account WHERE id IN ({marks})", ids)  # noqa: S608 (placeholders only)
        rows = cursor.fetchall()
    return {pk: _decimal(balance) for pk, balance in rows}


def _decimal(value: object) -> Decimal:
    field = Account._meta.get_field("balance")
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))


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
    """Insert one transaction, its (account id, amount) entries with the balance after each, and
    move the accounts' balances; the caller checked the entries balance and locked the division
    accounts. An account it did not lock (an issuance account) is locked by the update itself."""
    public_id = uuid.uuid4()
    values = [
        reason,
        memo,
        connection.ops.adapt_datetimefield_value(created_at),
        created_by_id,
        reference_type_id,
        reference_id,
        key,
    ]
    post = _post_postgresql if connection.vendor == "postgresql" else _post_sequential
    txn_id = post(public_id, values, entries)
    return LedgerTransaction.from_db(  # values in the model's field order
        connection.alias,
        [f.attname for f in LedgerTransaction._meta.concrete_fields],
        [txn_id, public_id, reason, memo, created_at, created_by_id]
        + [reference_type_id, reference_id, key],
    )


_TXN_INSERT = (
    "INSERT INTO ledger_ledgertransaction (public_id, reason, memo, created_at, created_by_id,"
    ' reference_type_id, reference_id, "key") VALUES (%s, %s, %s, %s, %s, %s, %s, %s)'
    " RETURNING id"
)
# The balances move in the database (a + amount on the row's latest version, under its row
# lock), and each entry gets the balance its update returned.
_PG_MOVE = """
v (account_id, amount) AS (VALUES {values}),
u AS (UPDATE ledger_account a SET balance = a.balance + v.amount FROM v
      WHERE a.id = v.account_id RETURNING a.id, a.balance)
INSERT INTO ledger_entry (transaction_id, account_id, amount, balance_after)
SELECT {txn}, v.account_id, v.amount, u.balance FROM v JOIN u ON u.id = v.account_id
"""


def _entry_params(chunk: Sequence[tuple[int, Decimal]]) -> list[Any]:
    field = Entry._meta.get_field("amount")
    params: list[Any] = []
    for account_id, amount in chunk:
        value = connection.ops.adapt_decimalfield_value(
            amount, field.max_digits, field.decimal_places
        )
        params += [account_id, value]
    return params


def _post_postgresql(
    public_id: uuid.UUID, values: list[Any], entries: Sequence[tuple[int, Decimal]]
) -> int:
    """One statement: the transaction, its entries and the balances (more in chunks of CHUNK)."""
    chunks = [entries[i : i + CHUNK] for i in range(0, len(entries), CHUNK)]
    with connection.cursor() as cursor:
        if not chunks:
            cursor.execute(_TXN_INSERT, [public_id, *values])
            return int(cursor.fetchone()[0])
        first = _PG_MOVE.format(values=_marks(chunks[0]), txn="(SELECT id FROM t)")
        cursor.execute(
            f"WITH t AS ({_TXN_INSERT}), {first} RETURNING transaction_id",
            [public_id, *values, *_entry_params(chunks[0])],
        )
        txn_id = int(cursor.fetchone()[0])
        for chunk in chunks[1:]:
            more = _PG_MOVE.format(values=_marks(chunk), txn="%s")
            cursor.execute(f"WITH {more}", [*_entry_params(chunk), txn_id])
    return txn_id


def _marks(chunk: Sequence[object]) -> str:
    return ", ".join(["(%s::bigint, %s::numeric)"] * len(chunk))


def _post_sequential(
    public_id: uuid.UUID, values: list[Any], entries: Sequence[tuple[int, Decimal]]
) -> int:
    """SQLite (which serialises whole write transactions): read, add in Decimal, write."""
    before = balances(pk for pk, _ in entries)
    field = Entry._meta.get_field("amount")

    def adapt(value: Decimal) -> Any:
        return connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )

    with connection.cursor() as cursor:
        cursor.execute(_TXN_INSERT, [public_id.hex, *values])
        (txn_id,) = cursor.fetchone()
        rows: list[Any] = []
        for account_id, amount in entries:
            after = before[account_id] + amount
            cursor.execute(
                "UPDATE ledger_account SET balance = %s WHERE id = %s", [adapt(after), account_id]
            )
            rows += [txn_id, account_id, adapt(amount), adapt(after)]
        for start in range(0, len(rows), CHUNK * 4):
            chunk = rows[start : start + CHUNK * 4]
            cursor.execute(
                "INSERT INTO ledger_entry (transaction_id, account_id, amount, balance_after)"  # noqa: S608 (placeholders only)
                " VALUES " + ", ".join(["(%s, %s, %s, %s)"] * (len(chunk) // 4)),
                chunk,
            )
    return int(txn_id)
