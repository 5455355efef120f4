"""The markets list and one market's page: rules, schedule, charts and the order form."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import roles
from ..forms import OrderForm
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
    view = selectors.market_page(slug=slug, division=division)
    current, last = view.current, view.last_result
    can_trade = bool(membership and membership.can_trade)
    context = {
        "view": view,
        "market": view.market,
        "current": current,
        "division": division,
        "can_trade": can_trade,
        "history_chart": selectors.history_chart(view.history),
        "curves_chart": selectors.curves_chart(last) if last else None,
        "curve_rows": selectors.curve_rows(last) if last else [],
        "live": live_context(scope="market", key=slug),
    }
    if can_trade and division and current is not None and current.is_open:
        context["form"] = OrderForm()
        context["preview"] = hold_preview(
            division=division, round_=current, side="buy", quantity="", limit=""
        )
    return render(request, "market/market.html", context)
