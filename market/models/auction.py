"""Markets, their rounds, the sealed orders placed in a round, and the fills clearing gives them."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.models import Asset, amount_field

from ..ids import LENGTH, new_public_id


class ClearingRule(models.TextChoices):
    MIDPOINT = "midpoint", _("Midpoint of the clearing interval")
    PAY_AS_CLEAR = "pay_as_clear", _("Lowest clearing price (pay as clear)")


class Market(models.Model):
    """One resource spec traded in rounds, with management's rules for it."""

    asset = models.OneToOneField(
        Asset,
        on_delete=models.PROTECT,
        related_name="market",
        limit_choices_to=~models.Q(kind=Asset.Kind.CREDITS),
        verbose_name=_("asset"),
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    tick = models.DecimalField(_("tick"), max_digits=12, decimal_places=2, default=Decimal("0.01"))
    floor = models.DecimalField(_("floor"), max_digits=20, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=20, decimal_places=2, null=True, blank=True)
    rule = models.CharField(
        _("clearing rule"),
        max_length=20,
        choices=ClearingRule.choices,
        default=ClearingRule.MIDPOINT,
    )
    round_minutes = models.PositiveIntegerField(
        _("round minutes"), default=5, help_text=_("How long a round is open.")
    )
    gap_minutes = models.PositiveIntegerField(
        _("gap minutes"), default=0, help_text=_("Pause between two rounds.")
    )
    trading_ends_at = models.DateTimeField(
        _("trading ends at"),
        null=True,
        blank=True,
        help_text=_("Gate closure: no round runs past it (set for a delivery window's market)."),
    )
    session = models.ForeignKey(
        "market.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="markets",
        verbose_name=_("session"),
        help_text=_("Its rounds then follow the session's schedule and close with the others."),
    )
    halted = models.BooleanField(_("halted"), default=False)
    halt_reason = models.CharField(_("halt reason"), max_length=300, blank=True)
    response_hours = models.PositiveIntegerField(
        _("response hours"),
        default=48,
        help_text=_("Disputes: time counterparties have to respond."),
    )
    ruling_hours = models.PositiveIntegerField(
        _("ruling hours"), default=120, help_text=_("Disputes: time to a ruling.")
    )
    appeal_hours = models.PositiveIntegerField(
        _("appeal hours"), default=72, help_text=_("Disputes: appeal window.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.CheckConstraint(condition=models.Q(tick__gt=0), name="market_tick_positive"),
            models.CheckConstraint(
                condition=models.Q(floor__isnull=True)
                | models.Q(cap__isnull=True)
                | models.Q(floor__lte=models.F("cap")),
                name="market_floor_not_above_cap",
            ),
            models.CheckConstraint(
                condition=models.Q(round_minutes__gt=0), name="market_round_has_duration"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language and time zone. A delivery window's market keeps
        its window's times in its stored name as they read where it was created (UTC): shown,
        they are the window's times in the reader's zone."""
        window = self._window()
        return window.label if window is not None else self.name

    def _window(self) -> Any:
        # Only a window's market has a gate closure: other markets need no lookup. Lists
        # select_related("window__series") so that a page of window markets costs no more.
        if self.trading_ends_at is None:
            return None
        try:
            return self.window
        except ObjectDoesNotExist:
            return None


class Round(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("round state", "Scheduled")
        OPEN = "open", pgettext_lazy("round state", "Open")
        CLOSED = "closed", pgettext_lazy("round state", "Closed")
        CLEARED = "cleared", pgettext_lazy("round state", "Cleared")
        SETTLED = "settled", pgettext_lazy("round state", "Settled")
        HALTED = "halted", pgettext_lazy("round state", "Halted")
        CANCELLED = "cancelled", pgettext_lazy("round state", "Cancelled")

    market = models.ForeignKey(
        Market, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("market")
    )
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    # The market's rules as they stood when the round was scheduled: a change by management
    # applies from the next round, never to orders already placed.
    tick = models.DecimalField(_("tick"), max_digits=12, decimal_places=2)
    floor = models.DecimalField(_("floor"), max_digits=20, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(_("cap"), max_digits=20, decimal_places=2, null=True, blank=True)
    rule = models.CharField(_("clearing rule"), max_length=20, choices=ClearingRule.choices)
    price = models.DecimalField(
        _("clearing price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    price_low = models.DecimalField(
        _("lowest clearing price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    price_high = models.DecimalField(
        _("highest clearing price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    volume = models.PositiveBigIntegerField(_("volume"), default=0)
    demand = models.JSONField(
        _("demand curve"),
        default=list,
        blank=True,
        help_text=_("[[price, cumulative units]]"),
    )
    supply = models.JSONField(
        _("supply curve"),
        default=list,
        blank=True,
        help_text=_("[[price, cumulative units]]"),
    )
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    session_round = models.ForeignKey(
        "market.SessionRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="market_rounds",
        verbose_name=_("session round"),
    )

    class Meta:
        ordering = ["market", "-number"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        indexes = [models.Index(fields=["state", "closes_at"])]
        constraints = [
            models.UniqueConstraint(fields=["market", "number"], name="round_number_per_market"),
            models.UniqueConstraint(
                fields=["market"],
                condition=models.Q(state__in=["scheduled", "open"]),
                name="round_one_upcoming_per_market",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_open",
            ),
        ]

    def __str__(self) -> str:
        return _("%(market)s · round %(number)s") % {"market": self.market, "number": self.number}

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def has_result(self) -> bool:
        return self.state in (self.State.CLEARED, self.State.SETTLED)


class Side(models.TextChoices):
    BUY = "buy", _("Bid (buy)")
    SELL = "sell", _("Ask (sell)")


class Order(models.Model):
    """A sealed bid or ask; its escrow is quantity × limit credits (bid) or quantity units (ask).

    No index holds ``state``, and on PostgreSQL the table keeps half of each page free
    (fillfactor 50, migration 0014): clearing moves every order of a round out of ``open`` in
    one UPDATE, and so each new row version stays on its page without touching any index (a
    HOT update; bench/settle_bench.py: 1.5 s → 0.2 s for 100k orders). Open orders are found
    through their round (``open_orders``): only an open or closed round holds any.
    """

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("order state", "Open")
        CANCELLED = "cancelled", pgettext_lazy("order state", "Cancelled")
        FILLED = "filled", pgettext_lazy("order state", "Filled")
        PARTIAL = "partial", pgettext_lazy("order state", "Partly filled")
        UNFILLED = "unfilled", pgettext_lazy("order state", "Not filled")

    public_id = models.CharField(
        _("public id"), max_length=LENGTH, default=new_public_id, editable=False
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="orders", verbose_name=_("round")
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        db_index=False,  # order_division_round leads with it
        related_name="orders",
        verbose_name=_("division"),
    )
    side = models.CharField(_("side"), max_length=4, choices=Side.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    limit = models.DecimalField(_("limit price"), max_digits=20, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    seq = models.BigIntegerField(
        _("sequence"), default=0, help_text=_("Time priority at the margin; lower first.")
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("placed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["division", "round"], name="order_division_round")]
        constraints = [
            # a constraint, not unique=True: that would add a LIKE index no lookup uses
            models.UniqueConstraint(fields=["public_id"], name="order_public_id_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(limit__gte=0), name="order_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return _("%(side)s %(quantity)s @ %(limit)s (%(round)s)") % {
            "side": self.get_side_display(),
            "quantity": self.quantity,
            "limit": self.limit,
            "round": self.round,
        }

    @property
    def is_bid(self) -> bool:
        return self.side == Side.BUY

    @property
    def escrow(self) -> Decimal:
        """What this order holds while open: credits for a bid, units for an ask."""
        return self.quantity * self.limit if self.is_bid else Decimal(self.quantity)


class FillTerms(models.Model):
    """What every fill states, an order's or a bundle leg's: its public id, and who got how many
    units at what price for how many credits (the round and division are each model's own, for
    their related names)."""

    public_id = models.CharField(
        _("public id"), max_length=LENGTH, default=new_public_id, editable=False
    )
    side = models.CharField(_("side"), max_length=4, choices=Side.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    price = models.DecimalField(_("price"), max_digits=20, decimal_places=2)
    amount = amount_field(verbose_name=_("amount"), help_text=_("price × quantity in credits"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return _("%(side)s %(quantity)s @ %(price)s (%(round)s)") % {
            "side": self.get_side_display(),
            "quantity": self.quantity,
            "price": self.price,
            "round": self.round,  # type: ignore[attr-defined]
        }


class Fill(FillTerms):
    """The units one order got at the round's price; arbitration may re-price or void it."""

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="fill", verbose_name=_("order")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="fills", verbose_name=_("round")
    )
    division = models.ForeignKey(
        "divisions.Division",
        on_delete=models.PROTECT,
        related_name="fills",
        verbose_name=_("division"),
    )

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("fill")
        verbose_name_plural = _("fills")
        constraints = [
            # a constraint, not unique=True: that would add a LIKE index no lookup uses
            models.UniqueConstraint(fields=["public_id"], name="fill_public_id_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="fill_quantity_positive"
            ),
        ]
