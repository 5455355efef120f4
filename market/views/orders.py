"""Placing, changing and cancelling orders, the hold preview, and the division's order list.

Every form works as a plain POST that re-renders with inline errors and what was typed; htmx
only swaps the form in place and refreshes the hold preview as the user types.
"""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from divisions.models import Division
from tokenhub.formatting import join_sentences, money, price, units

from .. import roles
from ..errors import MarketError, NotAllowed
from ..forms import OrderChangeForm, OrderForm, OrdersFilterForm
from ..ids import PATTERN
from ..models import Order, Round
from ..selectors.orders import division_order, division_orders, hold_preview, order_result
from ..selectors.rulings import with_rulings
from ..services import orders as services
from .access import Refused, is_htmx, page, trading_division, viewed_division

PUBLIC_ID = re.compile(PATTERN)


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)


def _open_round(round_id: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("market__asset", "market__window__series"), pk=round_id
    )


def _held(order: Order) -> str:
    if order.is_bid:
        return _("%(amount)s credits held") % {"amount": money(order.escrow)}
    return _("%(units)s %(unit)s held") % {
        "units": units(order.escrow),
        "unit": order.round.market.asset.unit,
    }


def _released(order: Order) -> str:
    if order.is_bid:
        return _("%(amount)s credits released") % {"amount": money(order.escrow)}
    return _("%(units)s %(unit)s released") % {
        "units": units(order.escrow),
        "unit": order.round.market.asset.unit,
    }


@page
def order_place(request: HttpRequest, round_id: int) -> HttpResponse:
    division = trading_division(request)
    round_ = _open_round(round_id)
    side = request.GET.get("side", "buy")
    form = OrderForm(request.POST or None, round_=round_, initial={"side": side})
    if request.method == "POST" and request.POST.get("action") != "preview" and form.is_valid():
        try:
            order = services.order_place(user=request.user, round_id=round_.pk, **form.cleaned_data)
        except NotAllowed as refusal:
            raise Refused(refusal.message) from None
        except MarketError as refusal:
            form.refuse(refusal)
        else:
            order.round = round_
            placed = (
                _("Bid placed: %(quantity)s at %(limit)s; %(held)s.")
                if order.is_bid
                else _("Ask placed: %(quantity)s at %(limit)s; %(held)s.")
            )
            message = placed % {
                "quantity": units(order.quantity),
                "limit": price(order.limit),
                "held": _held(order),
            }
            message = join_sentences([message, *form.warnings])
            return _done(request, reverse("market", args=[round_.market.slug]), message)
    data = request.POST or {"side": form["side"].value()}
    context = {
        "form": form,
        "round": round_,
        "market": round_.market,
        "preview": hold_preview(
            division=division,
            round_=round_,
            side=data.get("side", "buy"),
            quantity=data.get("quantity", ""),
            limit=data.get("limit", ""),
        ),
    }
    template = "market/_order_form.html" if is_htmx(request) else "market/order_place.html"
    return render(request, template, context)


@page
def order_preview(request: HttpRequest, round_id: int) -> HttpResponse:
    division = trading_division(request)
    round_ = _open_round(round_id)
    order = None
    public_id = request.GET.get("order", "")
    if PUBLIC_ID.fullmatch(public_id):
        order = division_order(division=division, public_id=public_id)
    side = order.side if order else request.GET.get("side", "buy")
    preview = hold_preview(
        division=division,
        round_=round_,
        side=side,
        quantity=request.GET.get("quantity", ""),
        limit=request.GET.get("limit", ""),
        order=order,
    )
    return render(request, "market/_hold_preview.html", {"preview": preview})


@page
def order_change(request: HttpRequest, order_id: str) -> HttpResponse:
    division = trading_division(request)
    order = division_order(division=division, public_id=order_id)
    form = OrderChangeForm.for_order(order, request.POST or None)
    if request.method == "POST" and request.POST.get("action") != "preview" and form.is_valid():
        try:
            changed = services.order_change(
                user=request.user, order_id=order.pk, **form.cleaned_data
            )
        except MarketError as refusal:
            form.refuse(refusal)
        else:
            changed.round = order.round
            message = _("Order %(id)s changed: %(quantity)s at %(limit)s; %(held)s.") % {
                "id": changed.public_id,
                "quantity": units(changed.quantity),
                "limit": price(changed.limit),
                "held": _held(changed),
            }
            message = join_sentences([message, *form.warnings])
            return _done(request, reverse("market", args=[order.round.market.slug]), message)
    data = request.POST or {"quantity": order.quantity, "limit": order.limit}
    context = {
        "form": form,
        "order": order,
        "round": order.round,
        "market": order.round.market,
        "preview": hold_preview(
            division=division,
            round_=order.round,
            side=order.side,
            quantity=data.get("quantity", ""),
            limit=data.get("limit", ""),
            order=order,
        ),
    }
    template = "market/_order_form.html" if is_htmx(request) else "market/order_change.html"
    return render(request, template, context)


@page
def order_cancel(request: HttpRequest, order_id: str) -> HttpResponse:
    division = trading_division(request)
    order = division_order(division=division, public_id=order_id)
    error = ""
    if request.method == "POST":
        try:
            services.order_cancel(user=request.user, order_id=order.pk)
        except MarketError as refusal:
            error = refusal.message
        else:
            message = _("Order %(id)s cancelled; %(released)s.") % {
                "id": order.public_id,
                "released": _released(order),
            }
            return _done(request, reverse("market", args=[order.round.market.slug]), message)
    context = {"order": order, "round": order.round, "market": order.round.market, "error": error}
    return render(request, "market/order_cancel.html", context, status=409 if error else 200)


@page
def orders(request: HttpRequest) -> HttpResponse:
    division = viewed_division(request)
    filters = OrdersFilterForm(request.GET or None)
    rows = None
    if division is not None:
        state = filters.cleaned_data["state"] if filters.is_valid() else ""
        market = filters.cleaned_data["market"] if filters.is_valid() else ""
        found = division_orders(division=division, state=state, market_slug=market)
        rows = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "division": division,
        "filters": filters,
        "page": rows,
        "query": query.urlencode(),
        "divisions": Division.objects.order_by("name") if division is None else [],
    }
    return render(request, "market/orders.html", context)


@page
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    division = viewed_division(request)
    if division is None:
        raise Refused(_("Orders belong to a division; you are not a member of one."))
    order = division_order(division=division, public_id=order_id)
    result = order_result(order.round, order)
    if result.fill is not None:
        with_rulings([result.fill])
    context = {
        "result": result,
        "order": order,
        "round": order.round,
        "market": order.round.market,
        "placed_by_agent": roles.is_demo_agent(order.placed_by),
    }
    return render(request, "market/order.html", context)
