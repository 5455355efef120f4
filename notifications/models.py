"""A person's inbox: one row per event of their division, read or not, e-mailed or not.

Built from the event feed (events.Event): the event is the fact, the notification only says
who has been told. One row per (user, event), so fanning an event out twice tells nobody twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="+", verbose_name=_("event")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-event_id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.event} → {self.user}"


class FannedOut(models.Model):
    """An event whose notifications exist: beat's sweep skips it."""

    event = models.OneToOneField(
        Event, on_delete=models.PROTECT, primary_key=True, related_name="fanned_out"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fanned-out event")
        verbose_name_plural = _("fanned-out events")

    def __str__(self) -> str:
        return f"{self.event_id} fanned out"
