"""A division lead's dashboard: balances, holdings, open rounds, open orders, recent fills.

Every read is one query whatever the number of orders, fills or entries (the lists are capped),
so the page costs the same for a new division and a busy one.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from divisions.models import Division

from ..models import Fill, Order, Round
from .holdings import Holding, division_holdings
from .orders import open_orders
from .rulings import with_rulings

OPEN_ORDERS_SHOWN = 20
FILLS_SHOWN = 10
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Dashboard:
    credits: Holding | None
    holdings: list[Holding]
    open_rounds: list[Round]
    open_orders: list[Order]
    open_orders_total: int
    recent_fills: list[Fill]
    now: datetime = field(default_factory=timezone.now)

    @property
    def available_credits(self) -> Decimal:
        return self.credits.available if self.credits else ZERO

    @property
    def held_credits(self) -> Decimal:
        return self.credits.held if self.credits else ZERO

    @property
    def units(self) -> list[Holding]:
        return [h for h in self.holdings if not h.asset.is_credits]


def open_rounds(*, division: Division | None) -> list[Round]:
    """Rounds open for orders, soonest close first, each with the division's open order count."""
    rounds = Round.objects.filter(state=Round.State.OPEN, market__halted=False)
    if division is not None:
        mine = Q(orders__state=Order.State.OPEN, orders__division=division)
        rounds = rounds.annotate(my_orders=Count("orders", filter=mine))
    return list(
        rounds.select_related("market__asset", "market__window__series").order_by("closes_at", "pk")
    )


def division_open_orders(*, division: Division, limit: int = OPEN_ORDERS_SHOWN) -> list[Order]:
    orders = open_orders(division=division)
    orders = orders.select_related(
        "round__market__asset", "round__market__window__series"
    ).order_by("round__closes_at", "-pk")
    return list(orders[:limit])


def recent_fills(*, division: Division, limit: int = FILLS_SHOWN) -> list[Fill]:
    fills = Fill.objects.filter(division=division).select_related(
        "round__market__asset", "round__market__window__series", "order"
    )
    return with_rulings(list(fills.order_by("-round__cleared_at", "-pk")[:limit]))


def dashboard_for(*, division: Division) -> Dashboard:
    """Everything on the dashboard in six queries."""
    holdings = division_holdings(division=division)
    credits = next((h for h in holdings if h.asset.is_credits), None)
    return Dashboard(
        credits=credits,
        holdings=holdings,
        open_rounds=open_rounds(division=division),
        open_orders=division_open_orders(division=division),
        open_orders_total=open_orders(division=division).count(),
        recent_fills=recent_fills(division=division),
    )
