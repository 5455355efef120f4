"""Utilisation of delivered capacity, kept per window once its delivery has ended.

Written once per expired window by beat's ``oversight.utilisation_record`` (idempotent: the
window's row is the marker), so the health view sums these instead of the ledger and usage
tables, in the same few queries however many windows a year holds.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WindowUtilisation(models.Model):
    """One ended window: units delivered into it (minted), consumed, and expired unused."""

    window = models.OneToOneField(
        "chain.Window", on_delete=models.PROTECT, related_name="+", verbose_name=_("window")
    )
    series = models.ForeignKey(
        "chain.Series", on_delete=models.PROTECT, related_name="+", verbose_name=_("series")
    )
    starts_at = models.DateTimeField(_("delivery starts"))
    delivered = models.PositiveBigIntegerField(_("units delivered"))
    consumed = models.PositiveBigIntegerField(_("units consumed"))
    expired = models.PositiveBigIntegerField(_("units expired"))
    overage = models.PositiveBigIntegerField(_("overage units"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("window utilisation")
        verbose_name_plural = _("window utilisation")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at"], name="window_utilisation_starts")]

    def __str__(self) -> str:
        return f"{self.window_id}: {self.consumed}/{self.delivered}"


class DivisionUtilisation(models.Model):
    """What one division held of one ended window (minted, bought, sold, ruled), consumed and
    let expire."""

    window = models.ForeignKey(
        "chain.Window", on_delete=models.PROTECT, related_name="+", verbose_name=_("window")
    )
    series = models.ForeignKey(
        "chain.Series", on_delete=models.PROTECT, related_name="+", verbose_name=_("series")
    )
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    starts_at = models.DateTimeField(_("delivery starts"))
    held = models.PositiveBigIntegerField(_("units held"))
    consumed = models.PositiveBigIntegerField(_("units consumed"))
    expired = models.PositiveBigIntegerField(_("units expired"))
    overage = models.PositiveBigIntegerField(_("overage units"))

    class Meta:
        verbose_name = _("division's window utilisation")
        verbose_name_plural = _("divisions' window utilisation")
        constraints = [
            models.UniqueConstraint(fields=["window", "division"], name="division_utilisation_once")
        ]
        indexes = [models.Index(fields=["starts_at"], name="division_utilisation_starts")]

    def __str__(self) -> str:
        return f"{self.window_id} {self.division_id}: {self.consumed}/{self.held}"
