from django.contrib import admin
from django.http import HttpRequest

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "created_at", "read_at", "emailed_at")
    list_select_related = ("event", "user")
    readonly_fields = ("user", "event", "created_at", "read_at", "emailed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
