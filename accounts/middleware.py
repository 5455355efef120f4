"""Pages speak the signed-in person's language and show times in their time zone."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .selectors import session_preferences


class PreferencesMiddleware:
    """After LocaleMiddleware and authentication: a saved language beats the browser's.

    The API keeps the browser's choice (Accept-Language), so a script decides its own errors'
    language whoever owns the token. Preferences ride in the session: no query per request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, time_zone = session_preferences(request)
        if language and not request.path.startswith("/api/"):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        try:
            timezone.activate(zoneinfo.ZoneInfo(time_zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
