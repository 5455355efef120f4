"""Management groups markets into sessions (their rounds close together); audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Bundle, BundleLeg, Market, Session, SessionRound
from ..services import sessions
from .base import ReadOnlyAdmin, ReadOnlyInline


class SessionMarketInline(ReadOnlyInline):
    model = Market
    fields = ["name", "slug", "halted"]
    readonly_fields = ("name", "slug", "halted")
    verbose_name = _("market in this session (set on the market's page)")
    verbose_name_plural = _("markets in this session (set each market's session on its page)")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "round_minutes", "gap_minutes"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SessionMarketInline]

    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        sessions.session_save(user=request.user, session=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SessionRound)
class SessionRoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "opens_at", "closes_at", "welfare", "settled_at"]
    list_filter = ["state", "session"]
    list_select_related = ["session"]


class BundleLegInline(ReadOnlyInline):
    model = BundleLeg
    fields = readonly_fields = ("round", "side", "quantity")


@admin.register(Bundle)
class BundleAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "session_round", "division", "limit", "state", "reason", "cost"]
    list_filter = ["state", "reason", "division"]
    list_select_related = ["session_round__session", "division"]
    search_fields = ["public_id"]
    inlines = [BundleLegInline]
