"""What placing an order writes besides the ledger, in SQL: the order, and the API's record.

The order goes in with the self-trade check (the division's open orders and its open bundles'
legs) in the same statement (one round trip instead of two); built through the ORM, the check,
the insert and the idempotency record cost about 2 ms of CPU per order, a tenth of a placement
(bench/load.py, README "Scaling"). The statements are the same on PostgreSQL and SQLite;
values go through the backend's own adapters.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection

from ..models import Bundle, IdempotencyRecord, Order

# The opposite side is an open order of the division in the round, or a leg of one of its open
# bundles there.
_OPPOSITE_ORDER = (
    "SELECT 1 FROM market_order WHERE round_id = %s AND division_id = %s AND side = %s"
    " AND state = %s"
)
_OPPOSITE_LEG = (
    "SELECT b.public_id FROM market_bundleleg l JOIN market_bundle b ON b.id = l.bundle_id"
    " WHERE l.round_id = %s AND b.division_id = %s AND l.side = %s AND b.state = %s"
)
_ORDER_UNLESS_OPPOSITE = (
    'INSERT INTO market_order (public_id, round_id, division_id, side, quantity, "limit", state,'
    " seq, placed_by_id, created_at, updated_at)"
    " SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s"
    f" WHERE NOT EXISTS ({_OPPOSITE_ORDER}) AND NOT EXISTS ({_OPPOSITE_LEG}) RETURNING id"
)
_WHAT_IS_OPPOSITE = f"SELECT EXISTS ({_OPPOSITE_ORDER}), ({_OPPOSITE_LEG} ORDER BY b.id LIMIT 1)"


@dataclass(frozen=True)
class Opposite:
    """What stood on the other side when an order was refused: an order, or a bundle's leg."""

    bundle: str | None  # the bundle's public id when it was a bundle leg


def order_insert_unless_opposite(order: Order, opposite: str) -> Opposite | None:
    """Insert the new order unless its division has an open order, or an open bundle's leg, on
    the other side of its round: None if it went in (the order then has its id, as after
    `save`), else what stands there.

    Race-free only behind the division's placing lock in the round (`round_for_share` with
    `placing_for`, which bundles take too: `locks.placing_in_rounds`).
    """
    ops = connection.ops
    field = Order._meta.get_field("limit")
    at = ops.adapt_datetimefield_value(order.created_at)
    against: list[Any] = [order.round_id, order.division_id, str(opposite)]
    checks: list[Any] = [*against, str(Order.State.OPEN), *against, str(Bundle.State.OPEN)]
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
        *checks,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_UNLESS_OPPOSITE, params)
        row = cursor.fetchone()
        if row is None:
            # The refusal's wording only: under the placing lock nothing new appears between.
            cursor.execute(_WHAT_IS_OPPOSITE, checks)
            is_order, bundle = cursor.fetchone()
            return Opposite(bundle=None if is_order else bundle)
    order.pk = row[0]
    order._state.adding, order._state.db = False, connection.alias
    return None


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
