"""The markets list and one market's page: rules, schedule, charts and the order form."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import roles
from ..forms import OrderForm
from ..models import Order, Round
from ..selectors import history
from ..selectors import markets as selectors
from ..selectors.live import live_context
from ..selectors.orders import hold_preview
from .access import page


@page
def markets(request: HttpRequest) -> HttpResponse:
    rows = selectors.markets_overview()
    return render(request, "market/markets.html", {"markets": rows})


@page
def market(request: HttpRequest, slug: str) -> HttpResponse:
    division = roles.division_of(request.user)
    membership = roles.membership_of(request.user)
    span = history.span_of(request.GET.get("span", ""))
    view = selectors.market_page(slug=slug, division=division, span=span)
    current, last = view.current, view.last_result
    can_trade = bool(membership and membership.can_trade)
    context = {
        "view": view,
        "market": view.market,
        "current": current,
        "division": division,
        "can_trade": can_trade,
        "spans": history.SPANS,
        "history_chart": history.history_chart(view.history),
        "curves_chart": _curves_with_mine(last, view.my_orders) if last else None,
        "curve_rows": selectors.curve_rows(last) if last else [],
        "live": live_context(scope="market", key=slug),
    }
    if can_trade and division and current is not None and current.is_open:
        context["form"] = OrderForm()
        context["preview"] = hold_preview(
            division=division, round_=current, side="buy", quantity="", limit=""
        )
    return render(request, "market/market.html", context)


def _curves_with_mine(last: Round, mine: list[Order]) -> dict[str, Any]:
    """The last round's curves, with the division's own open orders drawn on them."""
    chart = selectors.curves_chart(last)
    chart["mine"] = history.my_orders_on_curves(last=last, orders=mine)
    return chart
