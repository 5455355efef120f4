"""Management's market controls: rules, schedule, halt and resume; rounds and orders read-only."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import roles
from ..errors import MarketError
from ..models import Fill, Market, Order, Round
from ..services import markets
from .base import ReadOnlyAdmin


class HaltForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Shown to every division lead.")
    )


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "asset",
        "tick",
        "floor",
        "cap",
        "rule",
        "round_minutes",
        "session",
        "halted",
    ]
    list_filter = ["halted", "rule", "asset__kind", "session"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["halted", "halt_reason"]
    actions = ["halt", "resume"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "asset"]}),
        (
            _("Pricing rules (apply from the next round)"),
            {"fields": ["tick", "floor", "cap", "rule"]},
        ),
        (_("Schedule"), {"fields": ["round_minutes", "gap_minutes", "session"]}),
        (_("Disputes"), {"fields": ["response_hours", "ruling_hours", "appeal_hours"]}),
        (_("Status (use the halt and resume actions)"), {"fields": ["halted", "halt_reason"]}),
    ]

    def has_halt_permission(self, request: HttpRequest) -> bool:
        """Halting and resuming change every division's orders: management only."""
        return self.has_change_permission(request) and roles.is_management(request.user)

    @admin.action(
        description=_("Halt selected markets (cancel the open round, release holds)"),
        permissions=["halt"],
    )
    def halt(self, request: HttpRequest, queryset: QuerySet[Market]) -> HttpResponse | None:
        form = HaltForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            try:
                for market in queryset:
                    markets.market_halt(
                        market_id=market.pk, by=request.user, reason=form.cleaned_data["reason"]
                    )
            except MarketError as error:
                messages.error(request, error.message)
                return None
            count = queryset.count()
            messages.success(
                request,
                ngettext(
                    "Halted %(count)s market; holds released.",
                    "Halted %(count)s markets; holds released.",
                    count,
                )
                % {"count": count},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Halt markets"),
            "form": form,
            "markets": queryset,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/market/market/halt.html", context)

    @admin.action(description=_("Resume selected markets"), permissions=["halt"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Market]) -> None:
        try:
            for market in queryset:
                markets.market_resume(market_id=market.pk, by=request.user)
        except MarketError as error:
            messages.error(request, error.message)
            return
        count = queryset.count()
        messages.success(
            request,
            ngettext("Resumed %(count)s market.", "Resumed %(count)s markets.", count)
            % {"count": count},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "opens_at", "closes_at", "price", "volume", "settled_at"]
    list_filter = ["state", "market"]
    date_hierarchy = "opens_at"
    list_select_related = ["market"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["id", "round", "division", "side", "quantity", "limit", "state", "created_at"]
    list_filter = ["state", "side", "round__market", "division"]
    list_select_related = ["round__market", "division"]
    search_fields = ["id"]


@admin.register(Fill)
class FillAdmin(ReadOnlyAdmin):
    list_display = ["id", "round", "division", "side", "quantity", "price", "amount"]
    list_filter = ["round__market", "division", "side"]
    list_select_related = ["round__market", "division"]
