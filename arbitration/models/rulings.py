"""Rulings and their exact effects: one `RulingEffect` per division per fill (or compensation).

The ledger moves are posted by the ruling service in one transaction keyed `ruling:<pk>`; the
effects say, in the market's words, what each line of that transaction is for.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from divisions.models import Division
from ledger.models import LedgerTransaction
from market.models import Fill

from .disputes import Dispute, Remedy


class Ruling(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="rulings")
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_appeal = models.BooleanField(default=False)
    remedy = models.CharField(max_length=20, choices=Remedy.choices)
    reasons = models.TextField()
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    payer = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payee = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_price = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        help_text="On appeal: the ruling whose effects this one reverses.",
    )
    transaction = models.OneToOneField(
        LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nonce = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        help_text="The confirm form's token: one ruling per submit.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "on_appeal"], name="ruling_once_per_stage"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="ruling_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        stage = " on appeal" if self.on_appeal else ""
        return f"Ruling{stage} on dispute #{self.dispute_id}: {self.get_remedy_display()}"


class RulingEffect(models.Model):
    class Kind(models.TextChoices):
        COMPENSATION = "compensation", "Compensation"
        REPRICE = "reprice", "Re-priced fill"
        VOID = "void", "Voided fill"
        REVERSAL = "reversal", "Reversal on appeal"

    ruling = models.ForeignKey(Ruling, on_delete=models.PROTECT, related_name="effects")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="+")
    fill = models.ForeignKey(
        Fill, on_delete=models.PROTECT, null=True, blank=True, related_name="ruling_effects"
    )
    units = models.PositiveIntegerField(default=0, help_text="Units of the fill affected.")
    old_price = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    new_price = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    credits = models.DecimalField(
        max_digits=20, decimal_places=2, default=0, help_text="Credits in (+) or out (−)."
    )
    unit_delta = models.IntegerField(default=0, help_text="Units of the market's asset in or out.")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    note = models.CharField(max_length=300)

    class Meta:
        ordering = ["ruling", "id"]

    def __str__(self) -> str:
        return f"{self.division}: {self.credits:+} credits, {self.unit_delta:+} units"
