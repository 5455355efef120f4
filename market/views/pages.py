"""Division leads' pages: the way in, and the dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import roles
from ..selectors import dashboard as selectors
from ..selectors.live import live_context
from .access import page


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@page
def dashboard(request: HttpRequest) -> HttpResponse:
    division = roles.division_of(request.user)
    membership = roles.membership_of(request.user)
    context = {
        "division": division,
        "can_trade": bool(membership and membership.can_trade),
        "staff": roles.sees_everything(request.user),
        "board": selectors.dashboard_for(division=division) if division else None,
        "open_rounds": None if division else selectors.open_rounds(division=None),
        "live": live_context(scope="dashboard"),
    }
    return render(request, "market/dashboard.html", context)
