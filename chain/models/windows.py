"""Series of delivery windows: each window is an asset with its own market, created ahead."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from ledger.models import Asset
from market.models import ClearingRule, Market

from ..labels import window_label_local


class Series(models.Model):
    """Management's definition of one resource delivered in rolling windows."""

    name = models.CharField(
        _("name"), max_length=80, unique=True, help_text=_("e.g. H100 · eu-west")
    )
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=[c for c in Asset.Kind.choices if c[0] != "credits"]
    )
    gpu_type = models.CharField(_("GPU type"), max_length=40, blank=True)
    pool = models.CharField(_("pool"), max_length=40, blank=True)
    model_name = models.CharField(_("model"), max_length=80, blank=True)
    anchor = models.DateTimeField(_("first window starts"))
    window_minutes = models.PositiveIntegerField(
        _("window length (minutes)"), help_text=_("1440 for a day, 10080 for a week.")
    )
    windows_ahead = models.PositiveSmallIntegerField(_("windows listed ahead"), default=2)
    gate_minutes = models.PositiveIntegerField(
        _("gate closure (minutes before delivery)"), default=1440
    )
    tick = models.DecimalField(_("tick"), max_digits=12, decimal_places=2, default=Decimal("0.01"))
    floor = models.DecimalField(_("floor"), max_digits=20, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=20, decimal_places=2, null=True, blank=True)
    rule = models.CharField(
        _("clearing rule"), max_length=20, choices=ClearingRule.choices, default="midpoint"
    )
    round_minutes = models.PositiveIntegerField(_("round length (minutes)"), default=5)
    gap_minutes = models.PositiveIntegerField(_("pause between rounds (minutes)"), default=0)
    session = models.ForeignKey(
        "market.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
        help_text=_(
            "Each window listed from now on trades in this session: its rounds follow the "
            "session's schedule, and bundles can link it with the session's other markets."
        ),
    )
    mint_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mint to division"),
        help_text=_("Recurring mint rule: who receives each window's capacity."),
    )
    mint_units = models.PositiveIntegerField(_("units minted per window"), default=0)
    overage_factor = models.DecimalField(
        _("overage factor"), max_digits=6, decimal_places=2, default=Decimal("1.50")
    )
    overage_price = models.DecimalField(
        _("overage price when the window never cleared"),
        max_digits=20,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    usage_grace_minutes = models.PositiveIntegerField(
        _("late usage reports accepted for (minutes)"),
        default=0,
        help_text=_(
            "After a window's delivery ends, usage dated within it is still booked for this "
            "long; its unused units expire only then."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("series")
        verbose_name_plural = _("series")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_minutes__gt=0), name="series_window_has_length"
            ),
            models.CheckConstraint(
                condition=models.Q(overage_factor__gte=0), name="series_overage_factor_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """One delivery window of a series: its asset, its market, and whether it has expired."""

    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="windows", verbose_name=_("series")
    )
    number = models.PositiveIntegerField(_("number"))
    asset = models.OneToOneField(
        Asset, on_delete=models.PROTECT, related_name="window", verbose_name=_("asset")
    )
    market = models.OneToOneField(
        Market, on_delete=models.PROTECT, related_name="window", verbose_name=_("market")
    )
    starts_at = models.DateTimeField(_("delivery starts"))
    ends_at = models.DateTimeField(_("delivery ends"))
    gate_closes_at = models.DateTimeField(_("gate closes"))
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    class Meta:
        ordering = ["series", "starts_at"]
        verbose_name = _("delivery window")
        verbose_name_plural = _("delivery windows")
        indexes = [models.Index(fields=["expired_at", "ends_at"])]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="window_number_per_series"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="window_has_length"
            ),
            models.CheckConstraint(
                condition=models.Q(gate_closes_at__lte=models.F("starts_at")),
                name="window_gate_before_delivery",
            ),
        ]

    def __str__(self) -> str:
        return self.asset.name

    @property
    def usage_closes_at(self) -> datetime:
        """Until when usage of this window is booked: its end plus the series' grace period."""
        return self.ends_at + timedelta(minutes=self.series.usage_grace_minutes)

    @property
    def label(self) -> str:
        """The series and the window's dates, in the reader's language and time zone."""
        return f"{self.series.name} · {window_label_local(self.starts_at, self.ends_at)}"

    @property
    def dates(self) -> str:
        return window_label_local(self.starts_at, self.ends_at)
