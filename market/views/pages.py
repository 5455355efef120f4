"""Division leads' pages: thin views over selectors and services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import roles, selectors


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    division = roles.division_of(request.user)
    holdings = selectors.division_holdings(division=division) if division else []
    return render(
        request,
        "market/dashboard.html",
        {"division": division, "holdings": holdings, "staff": roles.sees_everything(request.user)},
    )
