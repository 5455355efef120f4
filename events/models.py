"""Events (append-only, per division) and the webhooks that push them.

An `Event` is the source of truth: a webhook `Delivery` only carries one to a subscribed
endpoint, with every `Attempt` recorded; a lost delivery is never a lost event, since the
feed (`GET /api/events/`) still has it. Kinds are TextChoices with a reference to the object
and its division, so an inbox or per-user e-mails can be built from the same rows; an event
without a division (a market-health alert) is for management and auditors only.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIVISION = "divisions.Division"  # a string, not an import: the market emits into this app


class Event(models.Model):
    class Kind(models.TextChoices):
        ORDER_FILLED = "order.filled", _("Order filled")
        ROUND_SETTLED = "round.settled", _("Round settled")
        DISPUTE_CHANGED = "dispute.changed", _("Dispute changed")
        HEALTH_ALERT = "health.alert", _("Market-health alert")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    division = models.ForeignKey(
        DIVISION,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # event_feed leads with it
        related_name="+",
        verbose_name=_("division"),
        help_text=_("Empty: an event for management and auditors (a market-health alert)."),
    )
    subject_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        db_index=False,  # event_subject leads with it
        related_name="+",
        verbose_name=_("about"),
    )
    subject_id = models.PositiveBigIntegerField(_("object id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    txid = models.BigIntegerField(
        _("transaction id"),
        default=0,
        help_text=_("The writing transaction's id (PostgreSQL): the feed's commit order."),
    )

    class Meta:
        ordering = ["txid", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["division", "txid", "id"], name="event_feed"),
            models.Index(fields=["subject_type", "subject_id"], name="event_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Events are append-only: write a new one.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Subscription(models.Model):
    """A division's HTTPS endpoint that receives its events, signed with its own secret."""

    division = models.ForeignKey(
        DIVISION, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    url = models.URLField(_("endpoint"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100)
    kinds = models.JSONField(
        _("kinds"), default=list, blank=True, help_text=_("Empty: every kind.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    active = models.BooleanField(_("active"), default=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Delivery(models.Model):
    """One event to one subscription: retried with exponential backoff until it lands."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")
        CANCELLED = "cancelled", _("Cancelled (subscription ended)")

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("webhook subscription"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("event")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return _("event %(event)s → webhook #%(subscription)s") % {
            "event": self.event_id,
            "subscription": self.subscription_id,
        }


class Attempt(models.Model):
    """One HTTP POST of a delivery: when, what came back, how long it took."""

    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("webhook delivery"),
    )
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_once"),
        ]

    def __str__(self) -> str:
        return _("attempt %(number)s of delivery %(delivery)s") % {
            "number": self.number,
            "delivery": self.delivery_id,
        }

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
