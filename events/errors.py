"""Refusals from this app's services; the API turns them into its usual JSON errors."""

from django.utils.translation import gettext_lazy as _


class EventsError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


class NotAllowed(EventsError):
    status = 403
    code = "forbidden"


class NotFound(EventsError):
    status = 404
    code = "not_found"

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message or str(_("Not found.")), field=field)


class Conflict(EventsError):
    status = 409
    code = "conflict"
