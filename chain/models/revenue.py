"""External revenue, management's conversion and sharing rules, and the shares posted."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from ledger.models import LedgerTransaction, amount_field
from tokenhub import formatting as fmt


class CurrencyRate(models.Model):
    """Management's conversion from a company currency into credits."""

    currency = models.CharField(_("currency"), max_length=3, unique=True, help_text=_("e.g. USD"))
    credits_per_unit = models.DecimalField(_("credits per unit"), max_digits=20, decimal_places=6)

    class Meta:
        ordering = ["currency"]
        verbose_name = _("currency rate")
        verbose_name_plural = _("currency rates")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credits_per_unit__gt=0), name="rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("1 %(currency)s = %(credits)s credits") % {
            "currency": self.currency,
            "credits": fmt.price(self.credits_per_unit),
        }


class SharingRule(models.Model):
    """The fraction of what a division receives from a revenue record that it passes upstream."""

    division = models.OneToOneField(
        Division, on_delete=models.PROTECT, related_name="sharing_rule", verbose_name=_("division")
    )
    pass_up = models.DecimalField(
        _("share passed upstream"),
        max_digits=5,
        decimal_places=4,
        help_text=_("0.3000 passes 30% to its sellers upstream and keeps 70%."),
    )

    class Meta:
        ordering = ["division__name"]
        verbose_name = _("sharing rule")
        verbose_name_plural = _("sharing rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_up__gte=0) & models.Q(pass_up__lte=1),
                name="sharing_pass_up_fraction",
            ),
        ]

    def __str__(self) -> str:
        return _("%(division)s: %(share)s%% upstream") % {
            "division": self.division,
            "share": fmt.number(Decimal(self.pass_up) * 100, 2),
        }


class RevenueTarget(models.Model):
    """Management's revenue target for an earning division and period (shared risk)."""

    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="revenue_targets",
        verbose_name=_("division"),
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends (inclusive)"))
    amount = amount_field(verbose_name=_("target in credits"))

    class Meta:
        ordering = ["-period_start", "division__name"]
        verbose_name = _("revenue target")
        verbose_name_plural = _("revenue targets")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "period_start", "period_end"], name="target_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="target_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division} {self.period_start}–{self.period_end}: {fmt.money(self.amount)}"


class RevenueRecord(models.Model):
    """External revenue an earning division booked; shared along the chain exactly once."""

    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="revenue", verbose_name=_("earner")
    )
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends (inclusive)"))
    amount = models.DecimalField(_("amount in currency"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(_("credits per currency unit"), max_digits=20, decimal_places=6)
    credits = amount_field(verbose_name=_("credits"))
    source = models.CharField(_("source"), max_length=120)
    reference = models.CharField(_("reference"), max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("revenue record")
        verbose_name_plural = _("revenue records")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "reference"], name="revenue_reference_per_division"
            ),
            models.CheckConstraint(condition=models.Q(credits__gte=0), name="revenue_not_negative"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="revenue_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return _("%(division)s · %(reference)s · %(credits)s credits") % {
            "division": self.division,
            "reference": self.reference,
            "credits": fmt.money(self.credits),
        }


class RevenueShare(models.Model):
    """What one division received from one revenue record, and why (the chain's flows)."""

    record = models.ForeignKey(
        RevenueRecord, on_delete=models.PROTECT, related_name="shares", verbose_name=_("revenue")
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="revenue_shares",
        verbose_name=_("division"),
    )
    amount = amount_field(verbose_name=_("share in credits"))
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, related_name="+", verbose_name=_("transaction")
    )
    why = models.JSONField(_("why"), default=dict)

    class Meta:
        ordering = ["record", "division__name"]
        verbose_name = _("revenue share")
        verbose_name_plural = _("revenue shares")
        constraints = [
            models.UniqueConstraint(fields=["record", "division"], name="share_once_per_division"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=Decimal(0)), name="share_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("%(division)s: %(amount)s of %(record)s") % {
            "division": self.division,
            "amount": fmt.money(self.amount),
            "record": self.record,
        }
