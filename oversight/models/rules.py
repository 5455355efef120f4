"""What every rule management sets in oversight carries: why, who set it, when it changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManagedRule(models.Model):
    """Abstract: a rule saved and removed only through the oversight services (which check
    the user is management and record ``set_by``), audited by django-auditlog."""

    reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def market_or_series(prefix: str) -> list[models.BaseConstraint]:
    """A rule set on a market or on a series (each of its windows' markets), never both."""
    return [
        models.CheckConstraint(
            condition=models.Q(market__isnull=False, series__isnull=True)
            | models.Q(market__isnull=True, series__isnull=False),
            name=f"{prefix}_market_or_series",
            violation_error_message=_("Choose a market or a series (not both)."),
        )
    ]


def series_field() -> models.ForeignKey:
    return models.ForeignKey(
        "chain.Series",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("series"),
        help_text=_(
            "Instead of a market: applies to each window of the series; a rule set on the "
            "window's own market takes its place."
        ),
    )
