"""Changes to a person's own preferences: only the person themselves makes them."""

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Preference

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def preferences_set(
    *,
    user: Any,
    language: str | None = None,
    time_zone: str | None = None,
    email_notifications: bool | None = None,
) -> Preference:
    """Save what changed; None leaves a field as it was."""
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Sign in to save preferences."), code="anonymous")
    if language is not None and language not in _LANGUAGES and language != "":
        raise ValidationError(_("Unknown language."), code="language")
    if time_zone is not None and time_zone not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone."), code="time_zone")
    preference, _created = Preference.objects.select_for_update().get_or_create(user=user)
    if language is not None:
        preference.language = language
    if time_zone is not None:
        preference.time_zone = time_zone
    if email_notifications is not None:
        preference.email_notifications = email_notifications
    preference.save()
    return preference
