"""Round locks (the ledger's account locks are in `ledger.locks`)."""

from collections.abc import Sequence
from typing import Any

from django.db import connection

from ledger.models import Asset

from .models import Market, Round


def round_for_share(round_id: int, *, placing_for: int | None = None) -> Round:
    """Lock a round against closing while an order is placed, changed or cancelled in it.

    Many orders share the round (FOR SHARE); closing takes FOR UPDATE and so waits for every
    order in flight, and an order placed after the close sees the round closed. SQLite
    serialises whole write transactions instead (settings: IMMEDIATE). The round comes with its
    market and the market's asset, read by the same statement (an order needs all three).

    `placing_for` (a division's id) also queues that division's placements in this round one
    behind the other (a transaction-scoped advisory lock), so the self-trade check of the next
    statement sees an opposite order placed a moment before: a bid and an ask lock different
    accounts, so nothing else keeps them apart. Other divisions do not wait.
    """
    if connection.vendor != "postgresql":
        return Round.objects.select_related("market__asset").get(pk=round_id)
    with connection.cursor() as cursor:
        if placing_for is None:
            cursor.execute(_ROUND_FOR_SHARE, [round_id])
        else:
            key = f"placing:{round_id}:{placing_for}"
            cursor.execute(_ROUND_FOR_SHARE_PLACING, [key, round_id])
        row = cursor.fetchone()
    if row is None:
        raise Round.DoesNotExist(f"No round {round_id}.")
    round_, market, asset = _instances(row, _JOINED)
    market.asset = asset
    round_.market = market
    return round_


# The round's curves (JSON, large once cleared) stay deferred: an open round has none.
_JOINED = (
    (Round, "r", [f for f in Round._meta.concrete_fields if f.name not in ("demand", "supply")]),
    (Market, "m", list(Market._meta.concrete_fields)),
    (Asset, "a", list(Asset._meta.concrete_fields)),
)
# Column names come from the models and the id is a parameter: nothing user-given is spliced.
_COLUMNS = ", ".join(f'{alias}."{f.column}"' for _, alias, fields in _JOINED for f in fields)
_FROM = (
    " FROM market_round r JOIN market_market m ON m.id = r.market_id"
    " JOIN ledger_asset a ON a.id = m.asset_id WHERE r.id = %s FOR SHARE OF r"
)
_ROUND_FOR_SHARE = "SELECT " + _COLUMNS + _FROM  # noqa: S608
_ROUND_FOR_SHARE_PLACING = (
    "SELECT " + _COLUMNS + ", pg_advisory_xact_lock(hashtextextended(%s, 0))" + _FROM  # noqa: S608
)


def _instances(row: Sequence[Any], joined: Any) -> list[Any]:
    """Model instances from one joined row, as the ORM would build them (select_related)."""
    instances, start = [], 0
    for model, _, fields in joined:
        values = row[start : start + len(fields)]
        start += len(fields)
        instances.append(model.from_db(connection.alias, [f.attname for f in fields], list(values)))
    return instances


def round_for_update(round_id: int) -> Round:
    return Round.objects.select_for_update().get(pk=round_id)
