"""Oversight pages for management and auditors; every read checks rights in its selector."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from divisions.models import Division
from market.errors import MarketError
from market.views.access import Refused, page

from .access import require_oversight
from .forms import ReplayForm
from .replay import Params
from .selectors import health as health_selectors
from .selectors import replay as replay_selectors
from .selectors.replay import Replay


def _refusing(error: MarketError) -> Refused:
    return Refused(error.message)


@page
def round_replay(request: HttpRequest, round_id: int) -> HttpResponse:
    """A settled round cleared again under another rule, floor, cap or without some divisions."""
    try:
        require_oversight(request.user)
        round_, inputs = replay_selectors.stored_inputs(round_id)
    except MarketError as error:
        raise _refusing(error) from None
    divisions = Division.objects.filter(pk__in=set(inputs.book["division"])).order_by("name")
    original = replay_selectors.inputs_params(inputs)
    form = ReplayForm(
        request.GET if "rule" in request.GET else None,
        divisions=divisions,
        initial=ReplayForm.initial_for(original),
    )
    result, message = None, None
    if form.is_valid() or not form.is_bound:
        try:
            result = _replay(request, round_id, form, original, inputs.tick)
        except MarketError as refusal:
            message = refusal.message
    context = {"round": round_, "market": round_.market, "form": form, "replay": result}
    return render(request, "oversight/replay.html", {**context, "error": message})


def _replay(
    request: HttpRequest, round_id: int, form: ReplayForm, original: Params, tick: Decimal
) -> Replay:
    params, without, keep = original, [], True
    if form.is_bound:
        params = form.params(tick)
        without = [division.pk for division in form.cleaned_data["without"]]
        keep = form.cleaned_data["keep_guarantees"]
    return replay_selectors.round_replay(
        user=request.user, round_id=round_id, params=params, without=without, keep_guarantees=keep
    )


@page
def market_health(request: HttpRequest) -> HttpResponse:
    """Management's and auditors' view of every market over time, with the alerts set."""
    months = request.GET.get("months", "12")
    count = int(months) if months.isascii() and months.isdigit() else 12
    try:
        health = health_selectors.market_health(user=request.user, months=min(max(count, 1), 60))
    except MarketError as error:
        raise _refusing(error) from None
    charts = [(view, view.chart, f"health-{view.market.pk}") for view in health.markets]
    used = health.utilisation.series if health.utilisation else []
    use_charts = [(use, use.chart, f"utilisation-{use.series_id}") for use in used]
    context = {"health": health, "charts": charts, "use_charts": use_charts}
    return render(request, "oversight/health.html", context)
