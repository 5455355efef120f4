"""Round locks (the ledger's account locks are in `ledger.locks`)."""

from collections.abc import Iterable, Sequence
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
    accounts, so nothing else keeps them apart. Bundles take the same lock for each round they
    have a leg in (`placing_in_rounds`). Other divisions do not wait.
    """
    if connection.vendor != "postgresql":
        return Round.objects.select_related("market__asset").get(pk=round_id)
    with connection.cursor() as cursor:
        if placing_for is None:
            cursor.execute(_ROUND_FOR_SHARE, [round_id])
        else:
            key = _placing_key(round_id, placing_for)
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


def _placing_key(round_id: int, division_id: int) -> str:
    return f"placing:{round_id}:{division_id}"


# Taken in key order, so two bundles of one division never wait on each other in a circle.
_PLACING_IN_ROUNDS = (
    "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(key, 0) AS k"
    " FROM unnest(%s::text[]) AS key ORDER BY k) AS keys"
)


def placing_in_rounds(round_ids: Iterable[int], *, division_id: int) -> None:
    """Queue a bundle's placement behind the division's other placements in each of these
    rounds: the lock `round_for_share(placing_for=...)` takes for a simple order.

    A bundle takes it after its session round FOR SHARE and before its bundle row and any
    account; a simple order takes it with its round and then only accounts; so nobody holding
    it waits for anything but accounts, which are always taken last. SQLite serialises whole
    write transactions instead.
    """
    if connection.vendor != "postgresql":
        return
    keys = [_placing_key(round_id, division_id) for round_id in round_ids]
    with connection.cursor() as cursor:
        cursor.execute(_PLACING_IN_ROUNDS, [keys])


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
