"""What placing an order writes besides the ledger, in SQL: the order, and the API's record.

The order goes in with the self-trade check in the same statement (one round trip instead of
two); built through the ORM, the check, the insert and the idempotency record cost about 2 ms
of CPU per order, a tenth of a placement (bench/load.py, README "Scaling"). The statements
are the same on PostgreSQL and SQLite; values go through the backend's own adapters.
"""

from typing import Any

from django.db import connection

from ..models import IdempotencyRecord, Order

_ORDER_UNLESS_OPPOSITE = (
    'INSERT INTO market_order (public_id, round_id, division_id, side, quantity, "limit", state,'
    " seq, placed_by_id, created_at, updated_at)"
    " SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s"
    " WHERE NOT EXISTS (SELECT 1 FROM market_order"
    " WHERE round_id = %s AND division_id = %s AND side = %s AND state = %s) RETURNING id"
)


def order_insert_unless_opposite(order: Order, opposite: str) -> bool:
    """Insert the new order unless its division has an open order on the other side of its
    round; True if it went in (the order then has its id, as after `save`)."""
    ops = connection.ops
    field = Order._meta.get_field("limit")
    at = ops.adapt_datetimefield_value(order.created_at)
    params: list[Any] = [
        order.public_id,
        order.round_id,
        order.division_id,
        str(order.side),
        order.quantity,
        ops.adapt_decimalfield_value(order.limit, field.max_digits, field.decimal_places),
        str(order.state),
        order.seq,
        order.placed_by_id,
        at,
        at,
        order.round_id,
        order.division_id,
        str(opposite),
        str(Order.State.OPEN),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_UNLESS_OPPOSITE, params)
        row = cursor.fetchone()
    if row is None:
        return False
    order.pk = row[0]
    order._state.adding, order._state.db = False, connection.alias
    return True


def idempotency_record_insert(record: IdempotencyRecord) -> None:
    """Insert the record of a response (the unique (user, key) constraint still applies)."""
    ops = connection.ops
    encoder = IdempotencyRecord._meta.get_field("body").encoder
    with connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO market_idempotencyrecord (user_id, "key", fingerprint, status, body,'
            " created_at) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            [
                record.user_id,
                record.key,
                record.fingerprint,
                record.status,
                ops.adapt_json_value(record.body, encoder),
                ops.adapt_datetimefield_value(record.created_at),
            ],
        )
        (record.pk,) = cursor.fetchone()
    record._state.adding, record._state.db = False, connection.alias
