"""Oversight in admin: the kept books (read-only, each linking to its what-if replay)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from market.admin.base import ReadOnlyAdmin

from .models import ClearingInputs, Guarantee, GuaranteeDelivery, HealthAlert, PositionLimit
from .services.limits import rule_remove, rule_save


@admin.register(ClearingInputs)
class ClearingInputsAdmin(ReadOnlyAdmin):
    list_display = ["round", "rule", "floor", "cap", "orders", "stored_at", "replay_link"]
    list_filter = ["round__market", "rule"]
    list_select_related = ["round__market"]
    exclude = ["book", "guarantees"]
    readonly_fields = ["round", "rule", "tick", "floor", "cap", "orders", "stored_at"]

    @admin.display(description=_("What-if replay"))
    def replay_link(self, obj: ClearingInputs) -> str:
        url = reverse("oversight:replay", args=[obj.round_id])
        return format_html('<a href="{}">{}</a>', url, _("Replay this round"))


RULE_READ_ONLY = ["set_by", "updated_at"]


class ManagedRuleAdmin(admin.ModelAdmin):
    """A rule management sets: saved and deleted through the oversight services, which check
    the user is management and record who set it (auditors read only)."""

    readonly_fields = RULE_READ_ONLY

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        rule_save(user=request.user, rule=obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        rule_remove(user=request.user, rule=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for rule in queryset:
            rule_remove(user=request.user, rule=rule)


@admin.register(PositionLimit)
class PositionLimitAdmin(ManagedRuleAdmin):
    list_display = ["market", "division", "max_buy_per_round", "max_hold", "set_by", "updated_at"]
    list_filter = ["market", "division"]
    list_select_related = ["market", "division", "set_by"]
    fields = [
        "market",
        "division",
        "max_buy_per_round",
        "max_hold",
        "reason",
        "set_by",
        "updated_at",
    ]


@admin.register(Guarantee)
class GuaranteeAdmin(ManagedRuleAdmin):
    list_display = ["market", "series", "division", "units", "price", "set_by", "updated_at"]
    list_filter = ["market", "series", "division"]
    list_select_related = ["market", "series", "division", "set_by"]
    fields = ["market", "series", "division", "units", "price", "reason", *RULE_READ_ONLY]


@admin.register(GuaranteeDelivery)
class GuaranteeDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["round", "division", "units", "price"]
    list_filter = ["round__market", "division"]
    list_select_related = ["round__market", "division"]


@admin.register(HealthAlert)
class HealthAlertAdmin(ManagedRuleAdmin):
    """The alerts shown on the market-health view (linked from this list's header)."""

    list_display = ["kind", "threshold", "market", "set_by", "updated_at"]
    list_filter = ["kind", "market"]
    fields = ["kind", "threshold", "market", "reason", *RULE_READ_ONLY]
