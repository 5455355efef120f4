"""The audit log's admin in the reader's language: auditlog writes its change summary, its
"system" actor and its correlation-id column in English without marking them."""

from typing import Any

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

MAX = 75


class TranslatedLogEntryAdmin(LogEntryAdmin):
    @admin.display(description=gettext_lazy("Changes"))
    def msg_short(self, obj: Any) -> str:
        if obj.action in [LogEntry.Action.DELETE, LogEntry.Action.ACCESS]:
            return ""
        changes = obj.changes_dict
        fields = ", ".join(changes.keys())
        if len(fields) > MAX:
            fields = fields[: fields.rfind(" ", 0, MAX)] + " .."
        return ngettext(
            "%(count)d change: %(fields)s", "%(count)d changes: %(fields)s", len(changes)
        ) % {"count": len(changes), "fields": fields}

    @admin.display(description=gettext_lazy("User"))
    def user_url(self, obj: Any) -> str:
        return super().user_url(obj) if obj.actor else _("system")

    @admin.display(description=gettext_lazy("Correlation ID"))
    def cid_url(self, obj: Any) -> Any:
        return super().cid_url(obj)


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, TranslatedLogEntryAdmin)
