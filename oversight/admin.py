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
from .services import guarantees, limits
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


@admin.register(PositionLimit)
class PositionLimitAdmin(admin.ModelAdmin):
    """Saved and deleted through the oversight services, which check the user is management."""

    list_display = ["market", "division", "max_buy_per_round", "max_hold", "set_by", "updated_at"]
    list_filter = ["market", "division"]
    list_select_related = ["market", "division", "set_by"]
    readonly_fields = ["set_by", "updated_at"]
    fields = ["market", "division", "max_buy_per_round", "max_hold", "reason", *readonly_fields]

    def save_model(self, request: HttpRequest, obj: PositionLimit, form: Any, change: bool) -> None:
        limits.position_limit_save(user=request.user, limit=obj)

    def delete_model(self, request: HttpRequest, obj: PositionLimit) -> None:
        limits.position_limit_remove(user=request.user, limit=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PositionLimit]) -> None:
        for limit in queryset:
            limits.position_limit_remove(user=request.user, limit=limit)


@admin.register(Guarantee)
class GuaranteeAdmin(admin.ModelAdmin):
    """Saved and deleted through the oversight services, which check the user is management."""

    list_display = ["market", "division", "units", "price", "set_by", "updated_at"]
    list_filter = ["market", "division"]
    list_select_related = ["market", "division", "set_by"]
    readonly_fields = ["set_by", "updated_at"]
    fields = ["market", "division", "units", "price", "reason", *readonly_fields]

    def save_model(self, request: HttpRequest, obj: Guarantee, form: Any, change: bool) -> None:
        guarantees.guarantee_save(user=request.user, guarantee=obj)

    def delete_model(self, request: HttpRequest, obj: Guarantee) -> None:
        guarantees.guarantee_remove(user=request.user, guarantee=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Guarantee]) -> None:
        for guarantee in queryset:
            guarantees.guarantee_remove(user=request.user, guarantee=guarantee)


@admin.register(GuaranteeDelivery)
class GuaranteeDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["round", "division", "units", "price"]
    list_filter = ["round__market", "division"]
    list_select_related = ["round__market", "division"]


@admin.register(HealthAlert)
class HealthAlertAdmin(admin.ModelAdmin):
    """The alerts shown on the market-health view (linked from this list's header)."""

    list_display = ["kind", "threshold", "market", "set_by"]
    list_filter = ["kind", "market"]
    readonly_fields = ["set_by"]
    fields = ["kind", "threshold", "market", "set_by"]

    def save_model(self, request: HttpRequest, obj: HealthAlert, form: Any, change: bool) -> None:
        rule_save(user=request.user, rule=obj)

    def delete_model(self, request: HttpRequest, obj: HealthAlert) -> None:
        rule_remove(user=request.user, rule=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HealthAlert]) -> None:
        for alert in queryset:
            rule_remove(user=request.user, rule=alert)
