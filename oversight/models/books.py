"""The book of a round as it stood at close, kept so that any settled round can be replayed.

Orders are changed in place while a round is open, and their states change at clearing, so
the orders table alone does not say what the engine saw. These rows do; they are written once,
in the clearing transaction, and never changed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from market.models import ClearingRule


class ClearingInputs(models.Model):
    round = models.OneToOneField(
        "market.Round",
        on_delete=models.PROTECT,
        related_name="clearing_inputs",
        verbose_name=_("round"),
    )
    rule = models.CharField(_("clearing rule"), max_length=20, choices=ClearingRule.choices)
    tick = models.DecimalField(_("tick"), max_digits=12, decimal_places=2)
    floor = models.DecimalField(_("floor"), max_digits=20, decimal_places=2, null=True)
    cap = models.DecimalField(_("cap"), max_digits=20, decimal_places=2, null=True)
    book = models.JSONField(
        _("book at close"),
        help_text=_("Columns id, side, quantity, limit, seq, division: one entry per order."),
    )
    guarantees = models.JSONField(
        _("guarantees at close"),
        default=dict,
        blank=True,
        help_text=_("What the round's guaranteed minimums were when it cleared."),
    )
    orders = models.PositiveIntegerField(_("orders"))
    stored_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("clearing inputs")
        verbose_name_plural = _("clearing inputs")
        ordering = ["-round_id"]

    def __str__(self) -> str:
        return str(_("Book of %(round)s at close") % {"round": self.round})
