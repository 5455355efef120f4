"""The audit log's admin in the reader's language: auditlog writes its change summary, its
"system" actor and its correlation-id column in English without marking them."""

from typing import Any

from auditlog import filters
from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from auditlog.render import _format_header, _format_row, _render_m2m_changes
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MAX = 75


def field_label(entry: Any, name: str) -> str:
    """A logged field's name in the reader's language (a reverse relation by its model's)."""
    model = entry.content_type.model_class()
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is None:
        return name
    if field.auto_created and field.is_relation and not field.concrete:
        return str(capfirst(field.related_model._meta.verbose_name_plural))
    return str(capfirst(getattr(field, "verbose_name", name)))


class ResourceTypeFilter(filters.ResourceTypeFilter):
    """Resource types by their model's name in the reader's language, not the model's code."""

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[Any, str]]:
        found = []
        for type_id, _model in super().lookups(request, model_admin):
            model = ContentType.objects.get_for_id(type_id).model_class()
            found.append((type_id, str(capfirst(model._meta.verbose_name)) if model else _model))
        return sorted(found, key=lambda item: item[1])


class TranslatedLogEntryAdmin(LogEntryAdmin):
    list_filter = [
        ResourceTypeFilter if f is filters.ResourceTypeFilter else f
        for f in LogEntryAdmin.list_filter
    ]

    @admin.display(description=gettext_lazy("Changes"))
    def msg_short(self, obj: Any) -> str:
        if obj.action in [LogEntry.Action.DELETE, LogEntry.Action.ACCESS]:
            return ""
        changes = obj.changes_dict
        fields = ", ".join(field_label(obj, name) for name in changes)
        if len(fields) > MAX:
            fields = fields[: fields.rfind(" ", 0, MAX)] + " .."
        return ngettext(
            "%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(changes)
        ) % {"count": len(changes), "fields": fields}

    @admin.display(description=gettext_lazy("Changes"))
    def msg(self, obj: Any) -> str:
        changes = obj.changes_dict or {}
        atoms = {
            k: v for k, v in changes.items() if not (isinstance(v, dict) and v.get("type") == "m2m")
        }
        m2m = {k: v for k, v in changes.items() if k not in atoms}
        rows = [_format_header("#", _("Field"), _("From"), _("To"))]
        for i, (name, change) in enumerate(sorted(atoms.items()), 1):
            values = ["***", "***"] if name == "password" else change
            rows.append(_format_row(i, field_label(obj, name), *values))
        html = f"<table>{''.join(rows)}</table>" if atoms else ""
        return mark_safe(html + (_render_m2m_changes(obj, m2m) if m2m else ""))  # noqa: S308

    @admin.display(description=gettext_lazy("User"))
    def user_url(self, obj: Any) -> str:
        return super().user_url(obj) if obj.actor else _("system")

    @admin.display(description=gettext_lazy("Correlation ID"))
    def cid_url(self, obj: Any) -> Any:
        return super().cid_url(obj)


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, TranslatedLogEntryAdmin)
