"""Position limits checked when a bid is placed or grows; refusals name the limit.

One statement on the placement path finds the division's limit in the market (its own, else
the market-wide one; without either, the same two on the series whose window the market
trades) together with its open bids in the round; without a limit that is all it
costs. Placements of one division in one round already queue on an advisory lock
(``market.locks.round_for_share``), so two bids cannot both slip under a limit; a change takes
the same lock before it counts.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger.models import Entry
from market.errors import InvalidState
from market.models import Round

_LIMIT = (
    "SELECT l.max_buy_per_round, l.max_hold, (SELECT COALESCE(SUM(o.quantity), 0)"
    " FROM market_order o WHERE o.round_id = %s AND o.division_id = %s AND o.side = 'buy'"
    " AND o.state = 'open' AND o.id <> %s)"
    " FROM oversight_positionlimit l WHERE (l.market_id = %s OR l.series_id ="
    " (SELECT w.series_id FROM chain_window w WHERE w.market_id = %s))"
    " AND (l.division_id = %s OR l.division_id IS NULL)"
    " ORDER BY l.market_id IS NULL, l.division_id IS NULL LIMIT 1"
)


class PositionLimitExceeded(InvalidState):
    code = "position_limit"


@dataclass(frozen=True)
class Standing:
    """A division's limit in a market and its open bids in a round (units)."""

    max_buy_per_round: int | None
    max_hold: int | None
    bidding: int


def _standing(round_: Round, division_id: int, order_id: int | None) -> Standing | None:
    params = [round_.pk, division_id, order_id or 0, round_.market_id, round_.market_id]
    params.append(division_id)
    with connection.cursor() as cursor:
        cursor.execute(_LIMIT, params)
        row = cursor.fetchone()
    return None if row is None else Standing(row[0], row[1], int(row[2]))


def _queue_behind_placements(round_: Round, division_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            key = f"placing:{round_.pk}:{division_id}"
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def units_held(*, division_id: int, asset_id: int) -> int:
    """Units of an asset the division holds, available and in escrow."""
    total = Entry.objects.filter(
        account__division_id=division_id, account__asset_id=asset_id
    ).aggregate(total=Sum("amount"))["total"]
    return int(total or Decimal(0))


def bid_check(*, round_: Round, division: Division, quantity: int, order_id: Any = None) -> None:
    """Refuse a bid of ``quantity`` units (a new one, or order ``order_id`` grown to it) that
    would take the division past its position limit in the round's market."""
    if order_id is not None:
        _queue_behind_placements(round_, division.pk)
    standing = _standing(round_, division.pk, order_id)
    if standing is None:
        return
    bidding = standing.bidding + quantity
    names = {"division": division, "market": round_.market}
    if standing.max_buy_per_round is not None and bidding > standing.max_buy_per_round:
        raise PositionLimitExceeded(
            _(
                "Position limit: %(division)s may buy at most %(limit)s units in one round of "
                "%(market)s; its bids in this round would come to %(units)s."
            )
            % {**names, "limit": standing.max_buy_per_round, "units": bidding},
            field="quantity",
        )
    if standing.max_hold is None:
        return
    held = units_held(division_id=division.pk, asset_id=round_.market.asset_id)
    if held + bidding > standing.max_hold:
        raise PositionLimitExceeded(
            _(
                "Position limit: %(division)s may hold at most %(limit)s units of %(market)s; "
                "it holds %(held)s and would bid for %(units)s more."
            )
            % {**names, "limit": standing.max_hold, "held": held, "units": bidding},
            field="quantity",
        )
