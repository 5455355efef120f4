"""Ledger records in admin: visible to those with view rights, changed by nobody."""

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

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
    fields = ["account", "amount"]
    readonly_fields = ["account", "amount"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "created_at",
        "reason",
        "memo",
        "created_by",
        "reference_type",
        "reference_id",
    ]
    list_filter = ["reason", "created_at", "reference_type"]
    search_fields = ["memo", "key"]
    date_hierarchy = "created_at"
    inlines = [EntryInline]
    list_select_related = ["created_by", "reference_type"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "transaction", "account", "amount"]
    list_filter = ["account__asset", "account__division", "account__kind", "transaction__reason"]
    list_select_related = ["transaction", "account__asset", "account__division"]
    search_fields = ["transaction__memo"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["id", "division", "asset", "kind", "balance"]
    list_filter = ["asset", "division", "kind"]
    list_select_related = ["division", "asset"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return super().get_queryset(request).annotate(_balance=Sum("entries__amount"))

    @admin.display(description="Balance (sum of entries)", ordering="_balance")
    def balance(self, account: Account) -> Decimal:
        return getattr(account, "_balance", None) or Decimal("0.00")


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "gpu_type", "pool", "model_name", "delivery_start"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
