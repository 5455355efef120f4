from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from .models import Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "time_zone", "email_notifications")
    list_filter = ("language", "email_notifications")
    search_fields = ("user__username",)


class TranslatedPermissions(forms.ModelMultipleChoiceField):
    """Permissions named in the reader's language ("Can add dispute" is stored in English)."""

    ACTIONS = {
        "add": gettext_lazy("Can add %(model)s"),
        "change": gettext_lazy("Can change %(model)s"),
        "delete": gettext_lazy("Can delete %(model)s"),
        "view": gettext_lazy("Can view %(model)s"),
    }

    def label_from_instance(self, obj: Any) -> str:
        model = obj.content_type.model_class()
        action = obj.codename.split("_", 1)[0]
        if model is None or action not in self.ACTIONS:
            return str(obj)
        app = apps.get_app_config(obj.content_type.app_label).verbose_name
        name = self.ACTIONS[action] % {"model": model._meta.verbose_name}
        return f"{app} | {model._meta.verbose_name} | {name}"


class PermissionLabels:
    def formfield_for_manytomany(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["form_class"] = TranslatedPermissions
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


User = get_user_model()
admin.site.unregister(Group)
admin.site.unregister(User)


def permission_names(permissions: Any) -> str:
    field = TranslatedPermissions(queryset=permissions)
    return ", ".join(
        field.label_from_instance(p) for p in permissions.select_related("content_type")
    )


@admin.register(Group)
class TranslatedGroupAdmin(PermissionLabels, GroupAdmin):  # type: ignore[misc]
    """Read-only (auditors, management without the right) the permissions read translated."""

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):
            return ["name", "permission_list"]
        return super().get_fields(request, obj)

    @admin.display(description=gettext_lazy("permissions"))
    def permission_list(self, group: Any) -> str:
        return permission_names(group.permissions.all())

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "permission_list"]


@admin.register(User)
class TranslatedUserAdmin(PermissionLabels, UserAdmin):
    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [
                "permission_list" if f == "user_permissions" else f for f in options["fields"]
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    @admin.display(description=gettext_lazy("user permissions"))
    def permission_list(self, user: Any) -> str:
        return permission_names(user.user_permissions.all())

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        return [*super().get_readonly_fields(request, obj), "permission_list"]
