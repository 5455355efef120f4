"""Management and auditors read events, webhooks, deliveries and every attempt; nobody edits
them by hand (events are append-only; deliveries change only by being sent)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Attempt, Delivery, Event, Subscription


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ["id", "kind", "division", "subject_type", "subject_id", "created_at"]
    list_filter = ["kind", "division"]
    search_fields = ["=subject_id"]


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    fields = ["number", "at", "status_code", "error", "duration_ms"]
    readonly_fields = ["number", "at", "status_code", "error", "duration_ms"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["id", "subscription", "event", "state", "attempts", "next_attempt_at"]
    list_filter = ["state"]
    list_select_related = ["subscription", "event"]
    inlines = [AttemptInline]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = ["id", "division", "url", "active", "created_at"]
    list_filter = ["active", "division"]
    exclude = ["secret"]
    actions = ["end_subscriptions"]

    @admin.action(description=_("End the selected webhooks"), permissions=["change"])
    def end_subscriptions(self, request: HttpRequest, queryset: Any) -> None:
        from .services import subscription_end

        for subscription in queryset:
            subscription_end(user=request.user, subscription_id=subscription.pk)
        self.message_user(request, _("Webhooks ended."))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("events.change_subscription")) and obj is None
