"""Platform accounts: the metering service's users (a role management grants, nothing else)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformAccountManager(UserManager["PlatformAccount"]):
    def get_queryset(self) -> models.QuerySet["PlatformAccount"]:
        return super().get_queryset().filter(groups__name="platform")


class PlatformAccount(get_user_model()):  # type: ignore[misc]
    """A user in the platform group: it reports usage through a `meter` token and can do
    nothing else (no division, no other scope)."""

    objects: PlatformAccountManager = PlatformAccountManager()

    class Meta:
        proxy = True
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
