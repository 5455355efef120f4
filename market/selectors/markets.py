"""Markets for the browser: the list, and one market's rules, schedule, history and last result.

Sealed bids: nothing here reads another division's orders. A round's curves are published
only once it has cleared, and they are aggregates.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from divisions.models import Division

from ..models import Market, Order, Round
from .history import DEFAULT_SPAN, History, price_history
from .orders import order_result
from .outcomes import demand_above, parse_curve, supply_below
from .rulings import with_rulings

UPCOMING = (Round.State.SCHEDULED, Round.State.OPEN)
RESULTS = (Round.State.CLEARED, Round.State.SETTLED)


def _latest(state_in: tuple[str, ...], field: str) -> Subquery:
    rounds = Round.objects.filter(market=OuterRef("pk"), state__in=state_in).order_by("-number")
    return Subquery(rounds.values(field)[:1])


def markets_overview() -> QuerySet[Market]:
    """Every market with its upcoming round and its last result, in one query."""
    return Market.objects.select_related("asset", "window__series").annotate(
        next_round_id=_latest(UPCOMING, "pk"),
        next_state=_latest(UPCOMING, "state"),
        next_opens_at=_latest(UPCOMING, "opens_at"),
        next_closes_at=_latest(UPCOMING, "closes_at"),
        last_round_id=_latest(RESULTS, "pk"),
        last_number=_latest(RESULTS, "number"),
        last_price=_latest(RESULTS, "price"),
        last_volume=_latest(RESULTS, "volume"),
    )


@dataclass(frozen=True)
class MarketPage:
    market: Market
    current: Round | None
    history: History
    last_result: Round | None
    my_orders: list[Order]
    closing: Round | None = None  # closed, its result not in yet
    my_last: list[Any] = field(default_factory=list)  # OrderResults in last_result

    @property
    def cycle(self) -> timedelta:
        return timedelta(minutes=self.market.round_minutes + self.market.gap_minutes)


def market_page(*, slug: str, division: Division | None, span: str = DEFAULT_SPAN) -> MarketPage:
    """One market's page in six queries, however many rounds and orders it has had."""
    market = get_object_or_404(Market.objects.select_related("asset", "window__series"), slug=slug)
    current = market.rounds.filter(state__in=UPCOMING).order_by("number").first()
    history = price_history(market=market, span=span)
    latest = list(
        market.rounds.filter(state__in=(Round.State.CLOSED, *RESULTS)).order_by("-number")[:2]
    )
    closing = latest[0] if latest and latest[0].state == Round.State.CLOSED else None
    last_result = next((r for r in latest if r.has_result), None)
    my_orders: list[Order] = []
    my_last: list[Any] = []
    if division is not None:
        if current is not None:
            my_orders = list(
                current.orders.filter(division=division)
                .exclude(state=Order.State.CANCELLED)
                .order_by("-pk")
            )
        if last_result is not None:
            mine = last_result.orders.filter(division=division).select_related("fill")
            mine = mine.exclude(state=Order.State.CANCELLED).order_by("pk")
            my_last = [order_result(last_result, order) for order in mine]
            with_rulings([r.fill for r in my_last if r.fill is not None])
    return MarketPage(market, current, history, last_result, my_orders, closing, my_last)


def _steps(curve: list[list[Any]]) -> list[dict[str, Any]]:
    """A cumulative curve as the corners of its step line: units on x, price on y."""
    points: list[dict[str, Any]] = []
    before = 0
    for price, units in curve:
        points += [{"x": before, "y": str(price)}, {"x": units, "y": str(price)}]
        before = units
    return points


def curves_chart(round_: Round) -> dict[str, Any]:
    """A cleared round's demand and supply as step lines, with the clearing point."""
    point = None
    if round_.price is not None:
        point = {"x": round_.volume, "y": str(round_.price)}
    return {"demand": _steps(round_.demand), "supply": _steps(round_.supply), "clearing": point}


def curve_rows(round_: Round) -> list[tuple[Decimal, int, int]]:
    """The curves as a table for readers without the chart: at each price, units bid at or
    above it and units asked at or below it."""
    demand, supply = parse_curve(round_.demand), parse_curve(round_.supply)
    prices = sorted({p for p, _ in demand} | {p for p, _ in supply}, reverse=True)
    return [
        (p, demand_above(demand, p, inclusive=True), supply_below(supply, p, inclusive=True))
        for p in prices
    ]
