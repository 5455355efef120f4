"""Markets, their rounds, the sealed orders placed in a round, and the fills clearing gives them."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from ledger.models import Asset, amount_field

from ..ids import LENGTH, new_public_id


class ClearingRule(models.TextChoices):
    MIDPOINT = "midpoint", "Midpoint of the clearing interval"
    PAY_AS_CLEAR = "pay_as_clear", "Lowest clearing price (pay as clear)"


class Market(models.Model):
    """One resource spec traded in rounds, with management's rules for it."""

    asset = models.OneToOneField(
        Asset,
        on_delete=models.PROTECT,
        related_name="market",
        limit_choices_to=~models.Q(kind=Asset.Kind.CREDITS),
    )
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    tick = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.01"))
    floor = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    rule = models.CharField(
        max_length=20, choices=ClearingRule.choices, default=ClearingRule.MIDPOINT
    )
    round_minutes = models.PositiveIntegerField(default=5, help_text="How long a round is open.")
    gap_minutes = models.PositiveIntegerField(default=0, help_text="Pause between two rounds.")
    trading_ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Gate closure: no round runs past it (set for a delivery window's market).",
    )
    session = models.ForeignKey(
        "market.Session",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="markets",
        help_text="Its rounds then follow the session's schedule and close with the others.",
    )
    halted = models.BooleanField(default=False)
    halt_reason = models.CharField(max_length=300, blank=True)
    response_hours = models.PositiveIntegerField(
        default=48, help_text="Disputes: time counterparties have to respond."
    )
    ruling_hours = models.PositiveIntegerField(default=120, help_text="Disputes: time to a ruling.")
    appeal_hours = models.PositiveIntegerField(default=72, help_text="Disputes: appeal window.")

    class Meta:
        ordering = ["name"]
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
        return self.name


class Round(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        CLEARED = "cleared", "Cleared"
        SETTLED = "settled", "Settled"
        HALTED = "halted", "Halted"
        CANCELLED = "cancelled", "Cancelled"

    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # The market's rules as they stood when the round was scheduled: a change by management
    # applies from the next round, never to orders already placed.
    tick = models.DecimalField(max_digits=12, decimal_places=2)
    floor = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    cap = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    rule = models.CharField(max_length=20, choices=ClearingRule.choices)
    price = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    price_low = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    price_high = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    volume = models.PositiveBigIntegerField(default=0)
    demand = models.JSONField(default=list, blank=True, help_text="[[price, cumulative units]]")
    supply = models.JSONField(default=list, blank=True, help_text="[[price, cumulative units]]")
    cleared_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    session_round = models.ForeignKey(
        "market.SessionRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="market_rounds",
    )

    class Meta:
        ordering = ["market", "-number"]
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
        return f"{self.market} · round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def has_result(self) -> bool:
        return self.state in (self.State.CLEARED, self.State.SETTLED)


class Side(models.TextChoices):
    BUY = "buy", "Bid (buy)"
    SELL = "sell", "Ask (sell)"


class Order(models.Model):
    """A sealed bid or ask; its escrow is quantity × limit credits (bid) or quantity units (ask)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CANCELLED = "cancelled", "Cancelled"
        FILLED = "filled", "Filled"
        PARTIAL = "partial", "Partly filled"
        UNFILLED = "unfilled", "Not filled"

    public_id = models.CharField(
        max_length=LENGTH, unique=True, default=new_public_id, editable=False
    )
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="orders")
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="orders"
    )
    side = models.CharField(max_length=4, choices=Side.choices)
    quantity = models.PositiveIntegerField()
    limit = models.DecimalField(max_digits=20, decimal_places=2)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    seq = models.BigIntegerField(default=0, help_text="Time priority at the margin; lower first.")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["round", "state"]),
            models.Index(fields=["division", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(limit__gte=0), name="order_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.quantity} @ {self.limit} ({self.round})"

    @property
    def is_bid(self) -> bool:
        return self.side == Side.BUY

    @property
    def escrow(self) -> Decimal:
        """What this order holds while open: credits for a bid, units for an ask."""
        return self.quantity * self.limit if self.is_bid else Decimal(self.quantity)


class Fill(models.Model):
    """The units one order got at the round's price; arbitration may re-price or void it."""

    public_id = models.CharField(
        max_length=LENGTH, unique=True, default=new_public_id, editable=False
    )
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="fill")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="fills")
    division = models.ForeignKey(
        "divisions.Division", on_delete=models.PROTECT, related_name="fills"
    )
    side = models.CharField(max_length=4, choices=Side.choices)
    quantity = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=20, decimal_places=2)
    amount = amount_field(help_text="price × quantity in credits")

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="fill_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.quantity} @ {self.price} ({self.round})"
