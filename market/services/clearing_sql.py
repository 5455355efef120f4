"""A round's book from PostgreSQL straight into the engine's columns, and its fills back in bulk.

``round_clear`` (market/services/rounds.py) uses these on PostgreSQL. No model instance and no
Python object per order or per fill on the way: the book comes out as one binary COPY whose rows
all have the same width (every column an ``int8``, the limit already in integer ticks, computed
by the database), so NumPy reads it as one structured array; the fills go in as one binary COPY
built the same way (into a temporary table), from which one statement each writes the fills,
their ``order.filled`` events and the orders' states. Values are exactly those of the object
path (``market.clearing.clear`` on ``Order`` objects), which the other backends, rounds with
guaranteed minimums and books the columns cannot hold take (``read_book`` answers None).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import numpy as np
from django.db import connection

from ..clearing import Grid
from ..ids import LENGTH, new_public_ids_bytes
from ..models import Round

_SIGNATURE: Final = b"PGCOPY\n\xff\r\n\x00"
_HEADER: Final = len(_SIGNATURE) + 8  # flags and header-extension length, both 0
_TRAILER: Final = b"\xff\xff"  # field count -1
_TICKS_FIT: Final = 2**62  # the engine's int64 columns (market.clearing_columns._SAFE)
BOOK_COLUMNS: Final = ("id", "buy", "quantity", "ticks", "seq", "division")

# Every open order of the round, in the order the object path reads them (Order.Meta.ordering).
# A limit off the tick grid, negative or too large for int64 ticks reads as -1: the caller then
# takes the object path, which names the order or clears it with Python ints.
_BOOK_SQL: Final = """
COPY (
  SELECT o.id::int8, (o.side = 'buy')::int::int8, o.quantity::int8,
         CASE WHEN o."limit" >= 0 AND mod(o."limit", r.tick) = 0
                   AND o."limit" / r.tick < {fit}
              THEN (o."limit" / r.tick)::int8 ELSE -1 END,
         o.seq::int8, o.division_id::int8
  FROM market_order o JOIN market_round r ON r.id = o.round_id
  WHERE o.round_id = {round_id} AND o.state = 'open'
  ORDER BY o.created_at DESC, o.id DESC
) TO STDOUT (FORMAT BINARY)
"""


def _row_dtype(fields: list[tuple[str, str]]) -> np.dtype:
    """A binary COPY row: its field count, then each field's byte length and big-endian value."""
    parts: list[tuple[str, str]] = [("fields", ">i2")]
    for name, kind in fields:
        parts += [(f"{name}_length", ">i4"), (name, kind)]
    return np.dtype(parts)


_BOOK_ROW: Final = _row_dtype([(name, ">i8") for name in BOOK_COLUMNS])
_FILL_ROW: Final = _row_dtype(
    [("position", ">i8"), ("public_id", f"S{LENGTH}"), ("order_id", ">i8"), ("quantity", ">i8")]
)


@dataclass(frozen=True, slots=True, eq=False)
class BookColumns:
    """The round's open orders as int64 columns (``buy`` as bool), position ``i`` = order ``i``."""

    ids: np.ndarray
    buy: np.ndarray
    quantity: np.ndarray
    ticks: np.ndarray
    seq: np.ndarray
    division: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def read_book(round_: Round) -> BookColumns | None:
    """The round's open orders in one COPY; None if a limit does not fit the columns."""
    sql = _BOOK_SQL.format(fit=_TICKS_FIT, round_id=int(round_.pk))
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        data = b"".join(bytes(block) for block in copy)
    if not data.startswith(_SIGNATURE) or not data.endswith(_TRAILER):
        raise ValueError("unexpected COPY BINARY stream")  # pragma: no cover
    body = data[_HEADER : len(data) - len(_TRAILER)]
    rows = np.frombuffer(body, dtype=_BOOK_ROW)
    if len(rows) and (
        bool((rows["fields"] != len(BOOK_COLUMNS)).any())
        or any(bool((rows[f"{n}_length"] != 8).any()) for n in BOOK_COLUMNS)
    ):
        raise ValueError("unexpected COPY BINARY row")  # pragma: no cover
    ticks = rows["ticks"].astype(np.int64)
    if len(ticks) and int(ticks.min()) < 0:
        return None
    return BookColumns(
        ids=rows["id"].astype(np.int64),
        buy=rows["buy"] == 1,
        quantity=rows["quantity"].astype(np.int64),
        ticks=ticks,
        seq=rows["seq"].astype(np.int64),
        division=rows["division"].astype(np.int64),
    )


def book_columns_json(book: BookColumns, grid: Grid) -> dict[str, list[Any]]:
    """The book as ``oversight.replay.book_to_columns`` writes it (limits as the text of their
    Decimal: each distinct tick converted once)."""
    levels, level_of = np.unique(book.ticks, return_inverse=True)
    texts = np.array([str(grid.decimal(t)) for t in levels.tolist()], dtype=object)
    return {
        "id": book.ids.tolist(),
        "side": np.where(book.buy, "buy", "sell").tolist(),
        "quantity": book.quantity.tolist(),
        "limit": texts[level_of].tolist(),
        "seq": book.seq.tolist(),
        "division": book.division.tolist(),
    }


_FILL_TABLE: Final = "market_clearing_fill"
_FILL_TEMP: Final = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_FILL_TABLE}"
    " (position int8, public_id text, order_id int8, quantity int8) ON COMMIT DROP"
)
# One statement writes the fills of the round: the division and side come from each order,
# the amount is the price times the units, in numeric (exact, as Decimal is).
_FILL_INSERT: Final = f"""
INSERT INTO market_fill (public_id, order_id, round_id, division_id, side, quantity, price, amount)
SELECT t.public_id, t.order_id, o.round_id, o.division_id, o.side, t.quantity,
       %(price)s::numeric, %(price)s::numeric * t.quantity
FROM {_FILL_TABLE} t JOIN market_order o ON o.id = t.order_id
ORDER BY t.position
"""  # noqa: S608 (constants only)


def fills_write(*, price: Decimal, order_ids: np.ndarray, units: np.ndarray) -> int:
    """Write one fill per order (``units[i]`` of order ``order_ids[i]``) at ``price``, each
    with a new public id, in the order given: one binary COPY and one INSERT. Returns the count."""
    count = len(order_ids)
    if not count:
        return 0
    rows = np.zeros(count, dtype=_FILL_ROW)
    rows["fields"] = 4
    rows["position_length"] = rows["order_id_length"] = rows["quantity_length"] = 8
    rows["public_id_length"] = LENGTH
    rows["position"] = np.arange(count)
    rows["public_id"] = np.frombuffer(new_public_ids_bytes(count), dtype=f"S{LENGTH}")
    rows["order_id"] = order_ids
    rows["quantity"] = units
    payload = _SIGNATURE + bytes(8) + rows.tobytes() + _TRAILER
    with connection.cursor() as cursor:
        cursor.execute(_FILL_TEMP)
        raw = cursor.cursor
        with raw.copy(f"COPY {_FILL_TABLE} FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(payload)
        cursor.execute(_FILL_INSERT, {"price": price})
        written = cursor.rowcount
        cursor.execute(f"TRUNCATE {_FILL_TABLE}")  # noqa: S608 (a constant)
    return int(written)


# The data of each fill's `order.filled` event, as market.services.feed.fills_announce writes it
# (public ids, the round, the market, side, units; price and amount as decimal text).
FILLED_EVENTS: Final = """
SELECT f.division_id, f.order_id,
       jsonb_build_object('order', o.public_id, 'fill', f.public_id, 'round', f.round_id,
                          'market', %s::int8, 'side', f.side, 'filled', f.quantity,
                          'price', f.price::text, 'amount', f.amount::text)
FROM market_fill f JOIN market_order o ON o.id = f.order_id
WHERE f.round_id = %s
ORDER BY f.id
"""

# Every order still open in the round: filled if its fill has all its units, partial if some,
# unfilled if none. One statement (the fills are already written).
_STATES: Final = """
UPDATE market_order o SET state = s.state
FROM (
  SELECT b.id, CASE WHEN f.quantity IS NULL THEN 'unfilled'
                    WHEN f.quantity = b.quantity THEN 'filled'
                    ELSE 'partial' END AS state
  FROM market_order b LEFT JOIN market_fill f ON f.order_id = b.id
  WHERE b.round_id = %s AND b.state = 'open'
) s
WHERE o.id = s.id
"""


def order_states_write(round_: Round) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_STATES, [round_.pk])
        return int(cursor.rowcount)
