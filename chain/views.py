"""Browser pages of the token chain: a division's windows, revenue and its sharing."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divisions.models import Division
from divisions.selectors import division_names
from market import roles
from market.errors import MarketError
from market.views.access import Refused, page, viewed_division

from . import selectors
from .services import revenue


@page
def windows(request: HttpRequest) -> HttpResponse:
    """Per window: bought, sold, consumed, expired, overage, utilisation (the lead's signal)."""
    division = viewed_division(request)
    reports = selectors.window_reports(division_id=division.pk) if division else []
    context = {"division": division, "reports": reports, "divisions": Division.objects.all()}
    return render(request, "chain/windows.html", context)


def _names(records: Any) -> dict[int, str]:
    ids = {r.division_id for r in records}
    for record in records:
        for share in record.shares.all():
            ids.add(share.division_id)
            for step in share.why.get("steps", []):
                ids.update((step["from"], step["to"]))
    return division_names(ids)


@page
def revenue_list(request: HttpRequest) -> HttpResponse:
    """Revenue the division earned or shares in: each share, the chain behind it, the target."""
    records = list(selectors.revenue_visible(request.user)[:50])
    names = _names(records)
    rows = []
    for record in records:
        shares = list(record.shares.all())
        steps = shares[0].why.get("steps", []) if shares else []
        rows.append(
            {
                "record": record,
                "shares": shares,
                "steps": [{**s, "from_name": names.get(s["from"]), "to_name": names.get(s["to"])}
                          for s in steps],
                "target": selectors.target_for(record),
            }
        )  # fmt: skip
    membership = roles.membership_of(request.user)
    can_record = roles.is_management(request.user) or bool(
        membership and membership.role == membership.Role.LEAD
    )
    return render(request, "chain/revenue.html", {"rows": rows, "can_record": can_record})


class RevenueForm(forms.Form):
    period_start = forms.DateField(label=gettext_lazy("Period starts"))
    period_end = forms.DateField(label=gettext_lazy("Period ends (inclusive)"))
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), min_value=Decimal("0.01"), max_digits=18, decimal_places=2
    )
    currency = forms.RegexField(r"^[A-Z]{3}\Z", label=gettext_lazy("Currency"), initial="USD")
    source = forms.CharField(label=gettext_lazy("Source"), max_length=120)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=120)


@page
def revenue_new(request: HttpRequest) -> HttpResponse:
    """A division lead books its external revenue; it is shared at once."""
    membership = roles.membership_of(request.user)
    if membership is None or membership.role != membership.Role.LEAD:
        raise Refused(_("Only a division's lead records its revenue."))
    today = date.today()  # noqa: DTZ011 - a default for the form only
    form = RevenueForm(request.POST or None, initial={"period_start": today, "period_end": today})
    if request.method == "POST" and form.is_valid():
        data = revenue.RevenueInput(division_id=membership.division_id, **form.cleaned_data)
        try:
            record, replayed = revenue.revenue_record(by=request.user, data=data)
        except MarketError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            text = (
                _("Already recorded: %(ref)s.") if replayed else _("Recorded and shared: %(ref)s.")
            )
            messages.success(request, text % {"ref": record.reference})
            return redirect("chain:revenue")
    return render(request, "chain/revenue_new.html", {"form": form})
