"""Beat's periodic tasks in admin: django-celery-beat's own actions declare no permissions, so
anyone with view rights (an auditor) could disable the round tick. Here they need change rights."""

from typing import Any

from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask


def _guarded(name: str) -> Any:
    original = getattr(PeriodicTaskAdmin, name)

    def action(self: Any, request: Any, queryset: Any) -> Any:
        return original(self, request, queryset)

    action.__name__ = name
    return admin.action(description=original.short_description, permissions=["change"])(action)


class GuardedPeriodicTaskAdmin(PeriodicTaskAdmin):
    enable_tasks = _guarded("enable_tasks")
    disable_tasks = _guarded("disable_tasks")
    toggle_tasks = _guarded("toggle_tasks")
    run_tasks = _guarded("run_tasks")


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, GuardedPeriodicTaskAdmin)
