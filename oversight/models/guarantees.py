"""Guaranteed minimums management grants (per market, i.e. per window, or per series: the
same minimum in each of its windows), and their use."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import ManagedRule, market_or_series, series_field


class Guarantee(ManagedRule):
    """Up to ``units`` of the market's resource delivered to the division before its auction
    (rule: ``oversight/guarantees.py``), at ``price`` if set, else the round's price."""

    market = models.ForeignKey(
        "market.Market",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guarantees",
        verbose_name=_("market"),
    )
    series = series_field()
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="guarantees",
        verbose_name=_("division"),
    )
    units = models.PositiveBigIntegerField(_("guaranteed units"))
    price = models.DecimalField(
        _("guarantee price"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: the round's clearing price."),
    )

    class Meta(ManagedRule.Meta):
        verbose_name = _("guaranteed minimum")
        verbose_name_plural = _("guaranteed minimums")
        ordering = ["market", "division"]
        constraints = [
            models.UniqueConstraint(
                fields=["market", "division"], name="guarantee_one_per_division"
            ),
            models.UniqueConstraint(
                fields=["series", "division"], name="guarantee_one_per_division_and_series"
            ),
            *market_or_series("guarantee"),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gte=0),
                name="guarantee_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(division)s: %(units)s units guaranteed in %(market)s")
            % {
                "division": self.division,
                "units": self.units,
                "market": self.market or self.series,
            }
        )


class GuaranteeDelivery(models.Model):
    """Units a round delivered to a division under its guarantee, at the guarantee price."""

    round = models.ForeignKey(
        "market.Round", on_delete=models.PROTECT, related_name="guarantee_deliveries"
    )
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="guarantee_deliveries"
    )
    units = models.PositiveBigIntegerField(_("units delivered"))
    price = models.DecimalField(_("price"), max_digits=20, decimal_places=2)

    class Meta:
        verbose_name = _("guaranteed delivery")
        verbose_name_plural = _("guaranteed deliveries")
        constraints = [
            models.UniqueConstraint(fields=["round", "division"], name="guarantee_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.division} · {self.round}: {self.units} @ {self.price}"
