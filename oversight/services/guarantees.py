"""Clearing a round with its guaranteed minimums served first (rule: oversight/guarantees.py).

Called by ``market.services.rounds.round_clear`` inside its transaction, with the round locked
FOR UPDATE; it keeps the book and the guarantees as they stood, and records what each
guarantee delivered, so a round is replayable and a guarantee's use is a sum of deliveries.
"""

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.db.models import Q, Sum

from chain.models import Window
from market import clearing
from market.models import Round

from .. import guarantees as rule
from ..models import Guarantee, GuaranteeDelivery
from ..replay import BookOrder
from . import books
from .limits import rule_remove, rule_save


def guarantees_left(*, market_id: int) -> list[rule.Guarantee]:
    """Each guarantee of the market (its own, else its series') less what earlier rounds of
    the market delivered under it: a series' guarantee is the same minimum in each window."""
    used = dict(
        GuaranteeDelivery.objects.filter(round__market_id=market_id)
        .values("division_id")
        .annotate(units=Sum("units"))
        .values_list("division_id", "units")
    )
    granted: dict[int, tuple[int, Decimal | None]] = {}
    for division, units, price, on_market in guarantees_of(market_id=market_id):
        if on_market or division not in granted:  # the market's own takes the series' place
            granted[division] = (units, price)
    return [
        rule.Guarantee(division, max(units - used.get(division, 0), 0), price)
        for division, (units, price) in sorted(granted.items())
    ]


def guarantees_of(*, market_id: int) -> list[tuple[int, int, Decimal | None, bool]]:
    """(division, units, price, set on the market itself) of every guarantee applying to the
    market: its own, and its series' when it trades a window (one query)."""
    series = Window.objects.filter(market_id=market_id).values("series_id")
    rows = Guarantee.objects.filter(Q(market_id=market_id) | Q(series_id__in=series))
    return [
        (division, units, price, market is not None)
        for division, units, price, market in rows.order_by("market_id").values_list(
            "division_id", "units", "price", "market_id"
        )
    ]


def to_json(left: Sequence[rule.Guarantee]) -> dict[str, Any]:
    return {
        "left": [[g.division, g.units, None if g.price is None else str(g.price)] for g in left]
    }


def from_json(stored: Mapping[str, Any]) -> list[rule.Guarantee]:
    return [
        rule.Guarantee(d, units, None if price is None else Decimal(price))
        for d, units, price in stored.get("left", [])
    ]


def round_clearing(
    *, round_: Round, book: Sequence[clearing.Order], divisions: Mapping[Hashable, int]
) -> tuple[clearing.Clearing, dict[Hashable, Decimal]]:
    """The round's clearing and the credits of each fill that is not price x units."""
    left = [g for g in guarantees_left(market_id=round_.market_id) if g.units > 0]
    books.book_store(round_=round_, book=book, divisions=divisions, guarantees=to_json(left))
    params = books.params_of(round_)
    if not left:
        plain = clearing.clear(
            book, rule=params.rule, floor=params.floor, cap=params.cap, tick=params.tick
        )
        return plain, {}
    rows = [
        BookOrder(cast(int, o.id), o.side, o.quantity, o.limit, o.seq, divisions[o.id])
        for o in book
    ]
    result = rule.clear_guaranteed(
        rows, left, rule=params.rule, floor=params.floor, cap=params.cap, tick=params.tick
    )
    GuaranteeDelivery.objects.bulk_create(
        GuaranteeDelivery(round=round_, division_id=d, units=units, price=result.prices[d])
        for d, units in sorted(result.delivered.items())
    )
    auction = result.auction
    merged = clearing.Clearing(
        price=result.price,
        volume=result.volume,
        fills=cast(dict[Hashable, int], result.fills),
        demand=auction.demand,
        supply=auction.supply,
        low=auction.low,
        high=auction.high,
    )
    return merged, cast(dict[Hashable, Decimal], result.amounts)


def guarantee_save(*, user: Any, guarantee: Guarantee) -> Guarantee:
    """Grant or change a guaranteed minimum; rounds cleared from now on serve it."""
    return rule_save(user=user, rule=guarantee)


def guarantee_remove(*, user: Any, guarantee: Guarantee) -> None:
    """Withdraw a guarantee; what it delivered stays recorded."""
    rule_remove(user=user, rule=guarantee)
