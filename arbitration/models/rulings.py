"""Rulings and their exact effects: one `RulingEffect` per division per fill (or compensation).

The ledger moves are posted by the ruling service in one transaction keyed `ruling:<pk>`; the
effects say, in the market's words, what each line of that transaction is for.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from divisions.models import Division
from ledger.models import LedgerTransaction
from market.models import Fill
from tokenhub import formatting as fmt

from .disputes import Dispute, Remedy


class Ruling(models.Model):
    dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, related_name="rulings", verbose_name=_("dispute")
    )
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("arbiter"),
    )
    on_appeal = models.BooleanField(_("on appeal"), default=False)
    remedy = models.CharField(_("remedy"), max_length=20, choices=Remedy.choices)
    reasons = models.TextField(_("reasons"))
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    payer = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payer"),
    )
    payee = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payee"),
    )
    new_price = models.DecimalField(
        _("new price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
        help_text=_("On appeal: the ruling whose effects this one reverses."),
    )
    transaction = models.OneToOneField(
        LedgerTransaction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger transaction"),
    )
    nonce = models.UUIDField(
        _("nonce"),
        default=uuid.uuid4,
        unique=True,
        help_text=_("The confirm form's token: one ruling per submit."),
    )
    created_at = models.DateTimeField(_("ruled at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ruling")
        verbose_name_plural = _("rulings")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "on_appeal"], name="ruling_once_per_stage"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0),
                name="ruling_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        text = (
            _("Ruling on appeal on dispute #%(id)s: %(remedy)s")
            if self.on_appeal
            else _("Ruling on dispute #%(id)s: %(remedy)s")
        )
        return text % {"id": self.dispute_id, "remedy": self.get_remedy_display()}


class RulingEffect(models.Model):
    class Kind(models.TextChoices):
        COMPENSATION = "compensation", _("Compensation")
        REPRICE = "reprice", _("Re-priced fill")
        VOID = "void", _("Voided fill")
        REVERSAL = "reversal", _("Reversal on appeal")

    ruling = models.ForeignKey(
        Ruling, on_delete=models.PROTECT, related_name="effects", verbose_name=_("ruling")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name=_("division")
    )
    fill = models.ForeignKey(
        Fill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ruling_effects",
        verbose_name=_("fill"),
    )
    units = models.PositiveIntegerField(
        _("units"), default=0, help_text=_("Units of the fill affected.")
    )
    old_price = models.DecimalField(
        _("old price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    new_price = models.DecimalField(
        _("new price"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    credits = models.DecimalField(
        _("credits"),
        max_digits=20,
        decimal_places=2,
        default=0,
        help_text=_("Credits in (+) or out (−)."),
    )
    unit_delta = models.IntegerField(
        _("units in or out"), default=0, help_text=_("Units of the market's asset in or out.")
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    note = models.CharField(_("note"), max_length=300)

    class Meta:
        ordering = ["ruling", "id"]
        verbose_name = _("ruling effect")
        verbose_name_plural = _("ruling effects")

    def __str__(self) -> str:
        return _("%(division)s: %(credits)s credits, %(units)s units") % {
            "division": self.division,
            "credits": fmt.money(self.credits, sign=True),
            "units": fmt.units(self.unit_delta, sign=True),
        }

    @property
    def description(self) -> str:
        """What the effect does, in the reader's language (the stored note is the record's)."""
        return describe_effect(self)

    @property
    def counterpart_name(self) -> str:
        """Compensation: the other division (the payee for the payer, and back)."""
        ruling = self.ruling
        other = ruling.payee if self.credits < 0 else ruling.payer
        return str(other) if other is not None else ""


def describe_effect(effect: "RulingEffect | Any") -> str:
    """One effect (a stored RulingEffect or a planned line) in the reader's language."""
    fill = effect.fill
    ref = fill.public_id if fill is not None else ""
    side = fill.get_side_display() if fill is not None else ""
    if effect.kind == RulingEffect.Kind.REVERSAL and effect.reverses is not None:
        return _("Reversal of ruling #%(id)s: %(what)s") % {
            "id": effect.reverses.ruling_id,
            "what": describe_effect(effect.reverses),
        }
    if effect.kind == RulingEffect.Kind.VOID:
        return ngettext(
            "Voided %(units)s unit of fill %(fill)s (%(side)s) at %(price)s",
            "Voided %(units)s units of fill %(fill)s (%(side)s) at %(price)s",
            effect.units,
        ) % {
            "units": fmt.units(effect.units),
            "fill": ref,
            "side": side,
            "price": fmt.price(effect.old_price),
        }
    if effect.kind == RulingEffect.Kind.REPRICE:
        return ngettext(
            "Re-priced %(units)s unit of fill %(fill)s (%(side)s) from %(old)s to %(new)s",
            "Re-priced %(units)s units of fill %(fill)s (%(side)s) from %(old)s to %(new)s",
            effect.units,
        ) % {
            "units": fmt.units(effect.units),
            "fill": ref,
            "side": side,
            "old": fmt.price(effect.old_price),
            "new": fmt.price(effect.new_price),
        }
    if effect.kind == RulingEffect.Kind.COMPENSATION:
        other = effect.counterpart_name
        if effect.credits > 0:
            return _("Compensation received from %(division)s") % {"division": other}
        return _("Compensation paid to %(division)s") % {"division": other}
    return str(effect.note)
