"""A round's page: before clearing, the division's own sealed orders; after, the result."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import roles
from ..selectors import bundles as bundle_selectors
from ..selectors import markets as market_selectors
from ..selectors.live import FINAL, live_context
from ..selectors.orders import round_result
from .access import page


@page
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    division = roles.division_of(request.user)
    result = round_result(round_id=round_id, division=division)
    round_ = result.round
    context = {
        "result": result,
        "round": round_,
        "market": round_.market,
        "division": division,
        "curves_chart": market_selectors.curves_chart(round_) if round_.has_result else None,
        "curve_rows": market_selectors.curve_rows(round_) if round_.has_result else [],
        "bundle_legs": (  # only a session's rounds can have bundle legs
            bundle_selectors.round_bundle_legs(round_id=round_.pk, user=request.user)
            if round_.session_round_id is not None
            else []
        ),
        "live": live_context(scope="round", key=str(round_id), poll=round_.state not in FINAL),
    }
    return render(request, "market/round.html", context)
