"""Ledger records in admin: visible to those with view rights, changed by nobody."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from .models import Account, Asset, Entry, LedgerTransaction


class ReadOnly:
    """Append-only or derived records: visible to those with view rights, changed by nobody."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class EntryInline(ReadOnlyInline):
    model = Entry
    fields = ["account", "amount", "balance_after"]
    readonly_fields = ["account", "amount", "balance_after"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "public_id",
        "created_at",
        "reason",
        "memo_text",
        "created_by",
        "reference_type",
        "reference_id",
    ]
    list_filter = ["reason", "created_at", "reference_type"]
    search_fields = ["memo", "key", "=public_id"]
    date_hierarchy = "created_at"
    inlines = [EntryInline]
    list_select_related = ["created_by", "reference_type"]
    readonly_fields = ["memo_text"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = list(super().get_fields(request, obj))
        return ["memo_text" if f == "memo" else f for f in fields if f != "memo_text"]

    @admin.display(description=gettext_lazy("memo"))
    def memo_text(self, txn: LedgerTransaction) -> str:
        return txn.memo_display


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount", "balance_after"]
    list_filter = ["account__asset", "account__division", "account__kind", "transaction__reason"]
    list_select_related = ["transaction", "account__asset", "account__division"]
    search_fields = ["transaction__memo"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "division", "asset", "kind", "balance"]
    list_filter = ["asset", "division", "kind"]
    list_select_related = ["division", "asset"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "gpu_type", "pool", "model_name", "delivery_start"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
