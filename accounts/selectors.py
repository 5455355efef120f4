"""Reads of a person's preferences, with the defaults for people who never set any."""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation

from .models import DEFAULT_TIME_ZONE, Preference

SESSION_KEY = "tokenhub_preferences"


def preference_for(user: Any) -> Preference:
    """The saved row, or an unsaved one holding the defaults (never None)."""
    if not getattr(user, "is_authenticated", False):
        return Preference(time_zone=DEFAULT_TIME_ZONE)
    found = Preference.objects.filter(user=user).first()
    return found if found is not None else Preference(user=user)


def remember_in_session(request: HttpRequest, preference: Preference) -> None:
    request.session[SESSION_KEY] = [preference.language, preference.time_zone]


def session_preferences(request: HttpRequest) -> tuple[str, str]:
    """(language or "", time zone) of whoever makes the request; read once per session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "", DEFAULT_TIME_ZONE
    saved = request.session.get(SESSION_KEY)
    if not (isinstance(saved, list) and len(saved) == 2):
        remember_in_session(request, preference_for(user))
        saved = request.session[SESSION_KEY]
    return str(saved[0]), str(saved[1])


@contextmanager
def speaking_to(user: Any) -> Iterator[None]:
    """Within: the reader's language and time zone (for e-mails and other text written for
    one person outside a request of theirs). An unset language is the site's default."""
    preference = preference_for(user)
    try:
        zone = zoneinfo.ZoneInfo(preference.time_zone or DEFAULT_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)
    with (
        translation.override(preference.language or settings.LANGUAGE_CODE),
        timezone.override(zone),
    ):
        yield
