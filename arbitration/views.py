"""Division leads' dispute pages: thin views over the arbitration selectors and services.

Only parties and management/auditors see a dispute; anyone else gets a 404, so a dispute's
existence is not revealed either.
"""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market import roles
from market.errors import MarketError
from market.parsing import parse_id

from . import forms, selectors, services
from .models import Dispute

ACTION_FORMS = {
    "message_form": forms.MessageForm,
    "evidence_form": forms.EvidenceForm,
    "response_form": forms.ResponseForm,
    "appeal_form": forms.AppealForm,
    "withdraw_form": forms.WithdrawForm,
}


def _visible(request: HttpRequest, pk: int) -> Dispute:
    dispute = selectors.dispute_visible(request.user, pk)
    if dispute is None:
        raise Http404(_("No such dispute."))
    return dispute


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    disputes = selectors.disputes_for(request.user)[:200]
    own = roles.division_of(request.user)
    context = {"disputes": disputes, "viewer_division_id": own.pk if own else None}
    return render(request, "arbitration/list.html", context)


@login_required
def dispute_file(request: HttpRequest) -> HttpResponse:
    round_id, fill_ref = parse_id(request.GET.get("round")), request.GET.get("fill", "")
    subject = selectors.filing_subject(
        user=request.user, round_id=round_id, fill_public_id=fill_ref
    )
    if subject is None:
        raise Http404(_("Choose a round your division traded in, or one of its fills."))
    round_, fill = subject
    form = forms.DisputeForm(request.POST or None, fill=fill is not None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.dispute_file(
                user=request.user,
                claim=services.Claim(**form.cleaned_data),
                round_id=round_.pk,
                fill_id=fill.pk if fill else None,
            )
        except MarketError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Dispute #%(id)s filed. The counterparties are told.") % {"id": dispute.pk},
            )
            return redirect("disputes:detail", pk=dispute.pk)
    context = {"round": round_, "fill": fill, "form": form}
    return render(request, "arbitration/file.html", context, status=400 if form.errors else 200)


def _detail(
    request: HttpRequest, dispute: Dispute, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    case = selectors.case_file(dispute=dispute, user=request.user)
    context: dict[str, Any] = {name: form() for name, form in ACTION_FORMS.items()}
    context |= bound or {}
    context |= {"case": case, "dispute": dispute, "can": selectors.case_actions(case, request.user)}
    return render(request, "arbitration/detail.html", context, status=status)


@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


def _act(
    request: HttpRequest,
    pk: int,
    name: str,
    run: Callable[[Dispute, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate the form, run one service, and come back to the case with what happened."""
    dispute = _visible(request, pk)
    form: django_forms.Form = ACTION_FORMS[name](request.POST, request.FILES)
    bound: dict[str, Any]
    status, bound = 400, {name: form}
    if form.is_valid():
        try:
            run(dispute, form.cleaned_data)
        except MarketError as error:
            status = error.status
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            else:  # shown at the top of the case, whether or not this form is on the page
                bound["refusal"] = error.message
        else:
            messages.success(request, done)
            return redirect("disputes:detail", pk=dispute.pk)
    dispute.refresh_from_db()
    return _detail(request, dispute, bound, status=status)


@login_required
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Dispute, data: dict[str, Any]) -> object:
        return services.message_post(dispute_id=d.pk, user=request.user, body=data["body"])

    return _act(request, pk, "message_form", run, _("Message sent."))


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Dispute, data: dict[str, Any]) -> object:
        return services.evidence_add(
            dispute_id=d.pk,
            user=request.user,
            title=data["title"],
            text=data["text"],
            upload=data["file"],
        )

    return _act(request, pk, "evidence_form", run, _("Evidence added."))


@login_required
@require_POST
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Dispute, data: dict[str, Any]) -> object:
        return services.response_submit(dispute_id=d.pk, user=request.user, body=data["body"])

    return _act(request, pk, "response_form", run, _("Your response is on file."))


@login_required
@require_POST
def dispute_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Dispute, data: dict[str, Any]) -> object:
        return services.dispute_withdraw(dispute_id=d.pk, by=request.user, why=data["why"])

    return _act(request, pk, "withdraw_form", run, _("Dispute withdrawn."))


@login_required
@require_POST
def dispute_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    def run(d: Dispute, data: dict[str, Any]) -> object:
        return services.dispute_appeal(dispute_id=d.pk, by=request.user, why=data["why"])

    return _act(
        request, pk, "appeal_form", run, _("Appeal filed: a different arbiter will hear it.")
    )


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """Evidence files are served only here, to those who may see the dispute."""
    evidence = selectors.evidence_visible(user=request.user, dispute_id=pk, evidence_id=evidence_id)
    if evidence is None or not evidence.file:
        raise Http404(_("No such evidence."))
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.filename,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
