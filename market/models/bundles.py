"""Bundle (linked) orders: all-or-none packages of legs across the markets of one session round.

A bundle has one `limit` for the whole package in credits, the most it may cost net:
Σ buy legs quantity × price − Σ sell legs quantity × price ≤ limit. A net seller's least
receipt R is the limit −R. While open it holds max(limit, 0) credits and the units of each
sell leg in escrow; clearing (market.session_clearing) accepts it whole or not at all.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..ids import LENGTH, new_public_id
from .auction import FillTerms, Market, Round, Side
from .sessions import SessionRound

MAX_LEGS = 10


class Bundle(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    class Reason(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        TOO_EXPENSIVE = "too_expensive", _("Too expensive at the clearing prices")
        PARADOXICALLY_REJECTED = (
            "paradoxically_rejected",
            _("Rejected although its limit covers its legs (paradoxically rejected)"),
        )
        NO_COUNTERPARTY = "no_counterparty", _("Not enough units on the other side of a leg")
        MARKET_STOPPED = "market_stopped", _("A leg's market was halted before clearing")

    public_id = models.CharField(
        _("public id"), max_length=LENGTH, unique=True, default=new_public_id, editable=False
    )
    session_round = models.ForeignKey(
        SessionRound,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name=_("session round"),
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name=_("division"),
    )
    limit = models.DecimalField(
        _("limit"),
        max_digits=20,
        decimal_places=2,
        help_text=_("The most net credits the package may cost."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    seq = models.BigIntegerField(
        _("time priority"), default=0, help_text=_("Time priority among equal bundles.")
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # the outcome, written when the session round clears
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=30, decimal_places=2, null=True, blank=True)
    paradoxical = models.BooleanField(_("paradoxically rejected"), default=False)
    binding_market = models.ForeignKey(
        Market,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("binding market"),
    )
    limit_needed = models.DecimalField(
        _("limit needed"), max_digits=30, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        indexes = [
            models.Index(fields=["session_round", "state"]),
            models.Index(fields=["division", "state"]),
        ]

    def __str__(self) -> str:
        return _("bundle %(bundle)s (%(round)s)") % {
            "bundle": self.public_id,
            "round": self.session_round,
        }

    @property
    def credits_held(self) -> Decimal:
        """The credits this bundle holds while open: its limit, if positive."""
        return max(self.limit, Decimal("0.00"))

    @property
    def credits_received(self) -> Decimal:
        """What an accepted bundle that sold more than it bought received net: its cost, when
        negative, as a positive amount (zero otherwise)."""
        return -self.cost if self.cost is not None and self.cost < 0 else Decimal("0.00")


class BundleLeg(models.Model):
    """One leg: units bought or sold in one market's round of the bundle's session round."""

    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="legs", verbose_name=_("bundle")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="bundle_legs", verbose_name=_("round")
    )
    side = models.CharField(_("side"), max_length=4, choices=Side.choices)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["bundle", "id"]
        verbose_name = _("bundle leg")
        verbose_name_plural = _("bundle legs")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "round"], name="bundle_leg_one_per_round"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="bundle_leg_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("%(side)s %(quantity)s in %(round)s") % {
            "side": self.get_side_display(),
            "quantity": self.quantity,
            "round": self.round,
        }

    @property
    def is_bid(self) -> bool:
        return self.side == Side.BUY


class BundleFill(FillTerms):
    """An accepted bundle's leg, filled in full at its market's clearing price."""

    leg = models.OneToOneField(
        BundleLeg, on_delete=models.PROTECT, related_name="fill", verbose_name=_("bundle leg")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="bundle_fills", verbose_name=_("round")
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="bundle_fills",
        verbose_name=_("division"),
    )

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("bundle fill")
        verbose_name_plural = _("bundle fills")
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="bundle_fill_public_id_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="bundle_fill_quantity_positive"
            ),
        ]
