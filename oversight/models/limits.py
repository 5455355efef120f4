"""Position limits management sets per market or series and division (SPEC §3 "optional
position limits").

A row without a division applies to every division of the market; a division's own row takes
its place for that division. A row on a series applies to each of its windows' markets; any row
on the window's own market takes the place of the series' rows. Limits bound bids only (what a
division may buy and hold); the clearing rule itself is untouched: an order beyond a limit is
refused when placed or changed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import ManagedRule, market_or_series, series_field


class PositionLimit(ManagedRule):
    market = models.ForeignKey(
        "market.Market",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="position_limits",
        verbose_name=_("market"),
    )
    series = series_field()
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="position_limits",
        verbose_name=_("division"),
        help_text=_("Empty: the limit of every division without a limit of its own."),
    )
    max_buy_per_round = models.PositiveBigIntegerField(
        _("most units bought in one round"),
        null=True,
        blank=True,
        help_text=_("The division's open bids in one round may not add up to more units."),
    )
    max_hold = models.PositiveBigIntegerField(
        _("most units held"),
        null=True,
        blank=True,
        help_text=_("Units held of this market's resource plus units bid for, at most."),
    )

    class Meta(ManagedRule.Meta):
        verbose_name = _("position limit")
        verbose_name_plural = _("position limits")
        ordering = ["market", "division"]
        constraints = [
            models.UniqueConstraint(
                fields=["market", "division"],
                condition=models.Q(division__isnull=False),
                name="position_limit_one_per_division",
            ),
            models.UniqueConstraint(
                fields=["market"],
                condition=models.Q(division__isnull=True),
                name="position_limit_one_market_wide",
            ),
            models.UniqueConstraint(
                fields=["series", "division"],
                condition=models.Q(division__isnull=False),
                name="position_limit_one_per_division_and_series",
            ),
            models.UniqueConstraint(
                fields=["series"],
                condition=models.Q(division__isnull=True),
                name="position_limit_one_series_wide",
            ),
            *market_or_series("position_limit"),
            models.CheckConstraint(
                condition=models.Q(max_buy_per_round__isnull=False)
                | models.Q(max_hold__isnull=False),
                name="position_limit_limits_something",
            ),
        ]

    def __str__(self) -> str:
        who = self.division or _("every division")
        where = self.market or self.series
        return str(_("Position limit: %(who)s in %(market)s") % {"who": who, "market": where})
