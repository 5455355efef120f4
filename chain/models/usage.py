"""Usage the platform meters: one row per external record, booked exactly once."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from ledger.models import amount_field

from .windows import Window


class UsageRecord(models.Model):
    """Units a division used in a window: consumed from holdings, the rest is overage.

    `charge` is the overage's price in credits; `paid` grows as the division's income pays it
    (a debt while `paid < charge`).
    """

    external_id = models.CharField(_("external id"), max_length=200, unique=True)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="usage", verbose_name=_("division")
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="usage", verbose_name=_("window")
    )
    units = models.PositiveBigIntegerField(_("units used"))
    used_at = models.DateTimeField(_("used at"))
    consumed = models.PositiveBigIntegerField(_("consumed from holdings"), default=0)
    overage = models.PositiveBigIntegerField(_("overage units"), default=0)
    charge = amount_field(verbose_name=_("overage charge"), default=Decimal("0.00"))
    paid = amount_field(verbose_name=_("charge paid"), default=Decimal("0.00"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        indexes = [
            models.Index(fields=["division", "window"]),
            # the debts: read by every income (ledger/income.py) and by beat's tick
            models.Index(
                fields=["division"],
                condition=models.Q(paid__lt=models.F("charge")),
                name="usage_owing",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(units__gt=0), name="usage_units_positive"),
            models.CheckConstraint(
                condition=models.Q(consumed__lte=models.F("units")),
                name="usage_consumed_within_units",
            ),
            models.CheckConstraint(
                condition=models.Q(paid__gte=0) & models.Q(paid__lte=models.F("charge")),
                name="usage_paid_within_charge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.division} {self.units}"

    @property
    def owed(self) -> Decimal:
        return self.charge - self.paid
