"""Load a person's preferences into the session when they sign in."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .selectors import preference_for, remember_in_session


@receiver(user_logged_in)
def remember_preferences(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        remember_in_session(request, preference_for(user))
