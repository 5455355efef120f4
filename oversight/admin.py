"""Oversight in admin: the kept books (read-only, each linking to its what-if replay)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from market.admin.base import ReadOnlyAdmin

from .models import ClearingInputs


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
