"""Market-health figures kept per round at settlement, and the alerts management sets.

The health view reads these instead of orders and fills, so it costs the same handful of
queries however many rounds there are (tests/oversight/test_health.py counts them).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import ManagedRule


class RoundStats(models.Model):
    round = models.OneToOneField(
        "market.Round", on_delete=models.PROTECT, related_name="stats", verbose_name=_("round")
    )
    market = models.ForeignKey(
        "market.Market", on_delete=models.PROTECT, related_name="+", verbose_name=_("market")
    )
    settled_at = models.DateTimeField(_("settled at"), db_index=True)
    price = models.DecimalField(_("price"), max_digits=20, decimal_places=2, null=True)
    volume = models.PositiveBigIntegerField(_("volume"))
    bid_units = models.PositiveBigIntegerField(_("units bid"))
    ask_units = models.PositiveBigIntegerField(_("units asked"))

    class Meta:
        verbose_name = _("round figures")
        verbose_name_plural = _("round figures")
        indexes = [models.Index(fields=["market", "settled_at"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.volume} @ {self.price}"

    @property
    def unfilled_demand(self) -> int:
        return self.bid_units - self.volume

    @property
    def unsold_supply(self) -> int:
        return self.ask_units - self.volume


class RoundShare(models.Model):
    """Units one division bought or sold in one settled round."""

    round = models.ForeignKey("market.Round", on_delete=models.PROTECT, related_name="+")
    market = models.ForeignKey("market.Market", on_delete=models.PROTECT, related_name="+")
    division = models.ForeignKey("divisions.Division", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=4)
    units = models.PositiveBigIntegerField()
    settled_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "division", "side"], name="round_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.division_id} {self.side} {self.units}"


class HealthAlert(ManagedRule):
    """A condition management wants flagged on the health view."""

    class Kind(models.TextChoices):
        DIVISION_SHARE = "division_share", _("A division's share of a market's volume above N%")
        PRICE_MOVE = "price_move", _("The price moving more than N% between two rounds")
        NO_TRADE = "no_trade", _("A round with no trade")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    threshold = models.DecimalField(
        _("threshold (%)"),
        max_digits=6,
        decimal_places=2,
        default=0,
        help_text=_("N for the share and price alerts; ignored for rounds with no trade."),
    )
    market = models.ForeignKey(
        "market.Market",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("market"),
        help_text=_("Empty: every market."),
    )

    class Meta(ManagedRule.Meta):
        verbose_name = _("health alert")
        verbose_name_plural = _("health alerts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0), name="health_alert_threshold_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.threshold}%)"


class AlertRaised(models.Model):
    """An alert that fired on a settled round: written once per alert and round (unique), in
    the round's settlement transaction, with the event that tells management and auditors."""

    alert = models.ForeignKey(
        HealthAlert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised",
        verbose_name=_("alert"),
        help_text=_("Empty: the alert was removed since."),
    )
    round = models.ForeignKey(
        "market.Round", on_delete=models.PROTECT, related_name="+", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=HealthAlert.Kind.choices)
    event = models.OneToOneField(
        "events.Event", on_delete=models.PROTECT, related_name="+", verbose_name=_("event")
    )
    raised_at = models.DateTimeField(_("raised at"), db_index=True)

    class Meta:
        verbose_name = _("raised alert")
        verbose_name_plural = _("raised alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "round"], name="alert_raised_once_a_round")
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.round_id}"
