"""The dispute queue and the case page; every change goes through the arbitration services."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from market import roles
from market.admin.base import ReadOnlyInline
from market.errors import MarketError

from .. import selectors, services
from ..models import Dispute, DisputeEvent, Evidence, Message, Party, Response, Ruling
from ..models.disputes import CLOSED_STATES, system_why
from .filters import AmountFilter, EscalatedFilter, OverdueFilter
from .views import CaseViews


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["division", "role"]


class ResponseInline(ReadOnlyInline):
    model = Response
    fields = ["division", "author", "body", "created_at"]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["title", "kind", "division", "added_by", "download", "text", "created_at"]
    readonly_fields = ["download"]

    @admin.display(description=gettext_lazy("File"))
    def download(self, evidence: Evidence) -> str:
        if not evidence.file:
            return "—"
        url = reverse("disputes:evidence-file", args=[evidence.dispute_id, evidence.pk])
        return format_html(
            '<a href="{}">{}</a> ({})', url, evidence.filename, filesizeformat(evidence.size)
        )


class MessageInline(ReadOnlyInline):
    model = Message
    verbose_name_plural = gettext_lazy("Thread")
    fields = ["created_at", "sender", "author", "body"]
    readonly_fields = ["sender"]


class RulingInline(ReadOnlyInline):
    model = Ruling
    fk_name = "dispute"
    fields = ["created_at", "on_appeal", "remedy", "arbiter", "reasons", "transaction"]


class EventInline(ReadOnlyInline):
    model = DisputeEvent
    verbose_name_plural = gettext_lazy("Case history")
    fields = ["at", "by", "action", "source", "target", "why"]


@admin.register(Dispute)
class DisputeAdmin(CaseViews, admin.ModelAdmin):
    list_display = [
        "id",
        "about",
        "market",
        "filer",
        "state",
        "claimed_amount",
        "arbiter",
        "ruling_due",
        "overdue",
        "escalated",
    ]
    list_filter = ["state", "market", AmountFilter, OverdueFilter, EscalatedFilter, "subject"]
    list_select_related = ["market", "round", "filer", "arbiter"]
    search_fields = ["=id", "statement", "filer__name"]
    date_hierarchy = "filed_at"
    ordering = ["ruling_due", "id"]
    actions = ["take_case", "request_response", "escalate", "rule"]
    inlines = [
        PartyInline,
        ResponseInline,
        EvidenceInline,
        MessageInline,
        RulingInline,
        EventInline,
    ]
    change_form_template = "admin/arbitration/dispute/change_form.html"
    fieldsets = [
        (None, {"fields": ["state", "subject", "market", "round", "fill", "filer", "filed_by"]}),
        (
            gettext_lazy("Claim"),
            {"fields": ["category", "claimed_remedy", "claimed_amount", "statement"]},
        ),
        (gettext_lazy("Arbiters"), {"fields": ["arbiter", "appeal_arbiter", "escalated_at"]}),
        (
            gettext_lazy("Deadlines"),
            {"fields": ["filed_at", "response_due", "ruling_due", "appeal_due", "overdue_at"]},
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Dispute._meta.concrete_fields]

    @admin.display(description=gettext_lazy("About"))
    def about(self, dispute: Dispute) -> str:
        values = {
            "subject": dispute.get_subject_display(),
            "number": dispute.round.number,
            "fill": dispute.fill_id,
        }
        if dispute.fill_id:
            return _("%(subject)s · round %(number)s · fill #%(fill)s") % values
        return _("%(subject)s · round %(number)s") % values

    @admin.display(description=gettext_lazy("Overdue"), boolean=True)
    def overdue(self, dispute: Dispute) -> bool:
        return dispute.is_overdue

    @admin.display(description=gettext_lazy("Escalated"), boolean=True, ordering="escalated_at")
    def escalated(self, dispute: Dispute) -> bool:
        return dispute.escalated_at is not None

    # A case changes only through the services: no add, no delete, no edit form.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            obj is None
            and super().has_change_permission(request)
            and roles.is_management(request.user)
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        dispute = self.get_object(request, object_id) if object_id else None
        if dispute is not None:
            extra_context = {**(extra_context or {}), **self.case_context(request, dispute)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def case_context(self, request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
        works = self.has_change_permission(request) and dispute.state not in CLOSED_STATES
        return {
            "case": selectors.case_file(dispute=dispute, user=request.user),
            "works": works,
            "now": timezone.now(),
        }

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:dispute_id>/rule/",
                self.admin_site.admin_view(self.rule_view),
                name="arbitration_dispute_rule",
            ),
            path(
                "<int:dispute_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="arbitration_dispute_act",
            ),
        ]
        return own + super().get_urls()

    def _each(self, request: HttpRequest, queryset: QuerySet[Dispute], run: Any, done: Any) -> None:
        """Run one service per selected case; report each refusal with its reason."""
        moved = 0
        for dispute in queryset:
            try:
                run(dispute)
            except MarketError as error:
                messages.error(request, f"#{dispute.pk}: {error.message}")
            else:
                moved += 1
        if moved:
            counted = ngettext("%(n)s dispute", "%(n)s disputes", moved) % {"n": moved}
            messages.success(request, f"{done}: {counted}.")

    @admin.action(description=gettext_lazy("Take case (I am the arbiter)"), permissions=["change"])
    def take_case(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        self._each(
            request,
            queryset,
            lambda d: services.dispute_take(dispute_id=d.pk, by=request.user),
            _("Taken"),
        )

    @admin.action(
        description=gettext_lazy("Request response from counterparties"), permissions=["change"]
    )
    def request_response(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        self._each(
            request,
            queryset,
            lambda d: services.dispute_request_response(dispute_id=d.pk, by=request.user),
            _("Response requested"),
        )

    @admin.action(description=gettext_lazy("Escalate"), permissions=["change"])
    def escalate(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        why = system_why("Escalated from the queue by %(user)s.", user=request.user)
        self._each(
            request,
            queryset,
            lambda d: services.dispute_escalate(dispute_id=d.pk, by=request.user, why=why),
            _("Escalated"),
        )

    @admin.action(description=gettext_lazy("Rule (preview, then confirm)"), permissions=["change"])
    def rule(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> HttpResponse | None:
        if queryset.count() != 1:
            messages.error(request, _("Rule on one dispute at a time: select exactly one."))
            return None
        dispute = queryset.get()
        return HttpResponseRedirect(reverse("admin:arbitration_dispute_rule", args=[dispute.pk]))
