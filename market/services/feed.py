"""What the market tells divisions through the event feed (events/), written in the same
transaction as the change: an order filled (at clearing), a round settled."""

from collections.abc import Hashable, Iterable
from decimal import Decimal

from events.models import Event
from events.services import Draft, events_emit, events_emit_select

from ..models import Order, Round
from .clearing_sql import FILLED_EVENTS

# as rounds.py writes them: the fill's public id first
FillRow = tuple[str, Hashable, int, int, str, int, Decimal, Decimal]


def fills_announce(*, round_: Round, rows: Iterable[FillRow]) -> None:
    """One `order.filled` event per fill, to the order's division. Orders and fills are named
    by their public ids: database ids would show other divisions' activity (market.ids)."""
    public = dict(Order.objects.filter(round=round_).values_list("id", "public_id"))
    events_emit(
        drafts=[
            Draft(
                kind=Event.Kind.ORDER_FILLED,
                division_id=division_id,
                subject=Order,
                subject_id=int(str(order_id)),
                data={
                    "order": public[int(str(order_id))],
                    "fill": fill_public_id,
                    "round": round_id,
                    "market": round_.market_id,
                    "side": str(side),
                    "filled": units,
                    "price": str(price),
                    "amount": str(amount),
                },
            )
            for fill_public_id, order_id, round_id, division_id, side, units, price, amount in rows
        ]
    )


def fills_announce_sql(*, round_: Round) -> int:
    """``fills_announce`` for every fill of the round, written by one statement from the fills
    themselves (PostgreSQL: the settling worker's column path). Returns how many."""
    return events_emit_select(
        kind=Event.Kind.ORDER_FILLED,
        subject=Order,
        select=FILLED_EVENTS,
        params=[round_.market_id, round_.pk],
    )


def round_settled_announce(*, round_: Round) -> None:
    """One `round.settled` event to every division that had an order standing at the close."""
    traded = (
        Order.objects.filter(round=round_)
        .exclude(state=Order.State.CANCELLED)
        .values_list("division_id", flat=True)
        .distinct()
        .order_by("division_id")
    )
    data = {
        "round": round_.pk,
        "market": round_.market_id,
        "number": round_.number,
        "price": None if round_.price is None else str(round_.price),
        "volume": round_.volume,
    }
    events_emit(
        drafts=[
            Draft(Event.Kind.ROUND_SETTLED, division_id, Round, round_.pk, data)
            for division_id in traded
        ]
    )
