"""Management's chain workspace: series, windows, rates, sharing rules, targets, revenue."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from market.admin.base import ReadOnlyAdmin, ReadOnlyInline
from market.errors import MarketError

from .models import (
    CurrencyRate,
    PlatformAccount,
    RevenueRecord,
    RevenueShare,
    RevenueTarget,
    Series,
    SharingRule,
    UsageRecord,
    Window,
)
from .services import expiry, platform, revenue, windows


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = [
        "name", "kind", "window_minutes", "windows_ahead", "gate_minutes",
        "usage_grace_minutes", "active",
    ]  # fmt: skip
    list_filter = ["kind", "active"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["list_windows"]

    @admin.action(description=_("List the upcoming windows now"), permissions=["change"])
    def list_windows(self, request: HttpRequest, queryset: QuerySet[Series]) -> None:
        made = sum(len(windows.series_windows_ensure(series_id=s.pk)) for s in queryset)
        self.message_user(request, _("%(n)d window(s) created.") % {"n": made})


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["asset", "series", "starts_at", "ends_at", "gate_closes_at", "expired_at"]
    list_filter = ["series", ("expired_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in Window._meta.fields]
    actions = ["expire_ended"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Expire the ended windows now"), permissions=["change"])
    def expire_ended(self, request: HttpRequest, queryset: QuerySet[Window]) -> None:
        done = sum(expiry.window_expire(window_id=w.pk) for w in queryset)
        self.message_user(request, _("%(n)d window(s) expired.") % {"n": done})


admin.site.register(CurrencyRate, list_display=["currency", "credits_per_unit"])
admin.site.register(SharingRule, list_display=["division", "pass_up"])
admin.site.register(
    RevenueTarget, list_display=["division", "period_start", "period_end", "amount"]
)


@admin.register(UsageRecord)
class UsageRecordAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "division", "window", "units", "consumed", "overage", "charge",
                    "paid", "used_at"]  # fmt: skip
    list_filter = ["division", "window__series"]
    search_fields = ["external_id"]


class ShareInline(ReadOnlyInline):
    model = RevenueShare
    fields = ["division", "amount", "transaction", "why"]


class RevenueForm(forms.ModelForm):
    class Meta:
        model = RevenueRecord
        fields = ["division", "period_start", "period_end", "amount", "currency", "source",
                  "reference"]  # fmt: skip


@admin.register(RevenueRecord)
class RevenueRecordAdmin(admin.ModelAdmin):
    """Revenue is booked through the service (conversion, sharing); then it is read-only."""

    form = RevenueForm
    list_display = ["reference", "division", "period_start", "period_end", "credits", "shared_at"]
    list_filter = ["division"]
    search_fields = ["reference", "source"]
    inlines = [ShareInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RevenueRecord, form: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in RevenueForm.Meta.fields if k != "division"}
        try:
            record, _replayed = revenue.revenue_record(
                by=request.user,
                data=revenue.RevenueInput(division_id=obj.division_id, **data),
            )
        except MarketError as error:
            raise PermissionDenied(error.message) from error
        obj.pk, obj._state.adding = record.pk, False


class PlatformAccountForm(forms.ModelForm):
    class Meta:
        model = PlatformAccount
        fields = ["username"]


@admin.register(PlatformAccount)
class PlatformAccountAdmin(admin.ModelAdmin):
    """Grant the platform role: a new account and its meter token, shown once."""

    form = PlatformAccountForm
    list_display = ["username", "date_joined", "is_active"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        issued = platform.platform_account_create(by=request.user, username=obj.username)
        obj.pk, obj._state.adding = issued.token.user_id, False
        messages.warning(
            request,
            _("The meter token (shown once, copy it now): %(secret)s") % {"secret": issued.secret},
        )
