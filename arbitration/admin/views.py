"""The case page's own admin views: workflow buttons, management's messages, and the ruling
form with its preview and confirm steps."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from market import roles
from market.errors import MarketError

from .. import services
from ..models import Dispute
from ..models.disputes import system_why
from .forms import MessageForm, NoteForm, RulingForm

ACTIONS: dict[str, tuple[Callable[..., Dispute], str]] = {
    "take": (services.dispute_take, gettext_noop("Case taken: you are its arbiter.")),
    "request_response": (
        services.dispute_request_response,
        gettext_noop("Counterparties asked to respond."),
    ),
    "escalate": (services.dispute_escalate, gettext_noop("Case escalated.")),
}


class CaseViews:
    """Mixed into DisputeAdmin: management only; auditors get 403 here."""

    admin_site: Any
    model: Any
    has_change_permission: Callable[..., bool]

    def _arbiter_only(self, request: HttpRequest, dispute_id: int) -> Dispute:
        if not (self.has_change_permission(request) and roles.is_management(request.user)):
            raise PermissionDenied
        return get_object_or_404(Dispute, pk=dispute_id)

    def _back(self, dispute: Dispute) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:arbitration_dispute_change", args=[dispute.pk]))

    @staticmethod
    def _run(request: HttpRequest, run: Any, done: str) -> bool:
        try:
            run()
        except MarketError as error:
            messages.error(request, error.message)
            return False
        messages.success(request, done)
        return True

    def act_view(self, request: HttpRequest, dispute_id: int, action: str) -> HttpResponse:
        """Take, request response, escalate, or post a message, from the case page (POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dispute = self._arbiter_only(request, dispute_id)
        if action == "message":
            form = MessageForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Write a message first."))
                return self._back(dispute)
            body = form.cleaned_data["body"]
            self._run(
                request,
                lambda: services.message_post(dispute_id=dispute.pk, user=request.user, body=body),
                _("Message sent to the parties."),
            )
            return self._back(dispute)
        if action not in ACTIONS:
            raise PermissionDenied
        service, done = ACTIONS[action]
        note = NoteForm(request.POST)
        why = note.cleaned_data["why"] if note.is_valid() else ""
        if action == "escalate" and not why:
            why = system_why("Escalated by %(user)s.", user=request.user)
        self._run(
            request, lambda: service(dispute_id=dispute.pk, by=request.user, why=why), _(done)
        )
        return self._back(dispute)

    def rule_view(self, request: HttpRequest, dispute_id: int) -> HttpResponse:
        """GET: the decision. POST 'preview': every ledger leg, balances before and after.
        POST 'confirm': rule; the form's nonce makes a double submit pay once."""
        dispute = self._arbiter_only(request, dispute_id)
        form = RulingForm(request.POST or None, dispute=dispute)
        plan, confirm = None, request.method == "POST" and "confirm" in request.POST
        if request.method == "POST" and form.is_valid():
            try:
                if confirm:
                    ruling = services.dispute_rule(
                        dispute_id=dispute.pk,
                        by=request.user,
                        decision=form.decision(),
                        nonce=form.cleaned_data["nonce"],
                    )
                    txn = (
                        _("ledger transaction #%(id)s") % {"id": ruling.transaction_id}
                        if ruling.transaction_id
                        else _("no ledger moves")
                    )
                    messages.success(
                        request,
                        _("Ruling #%(id)s applied (%(txn)s).") % {"id": ruling.pk, "txn": txn},
                    )
                    return self._back(dispute)
                plan = services.ruling_preview(dispute=dispute, decision=form.decision())
            except MarketError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rule on dispute #%(id)s") % {"id": dispute.pk},
            "dispute": dispute,
            "form": form,
            "plan": plan,
            "opts": self.model._meta,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(
            request, "admin/arbitration/dispute/rule.html", context, status=status
        )
