"""The arbiter's ruling form: the decision, then a preview of its ledger legs, then confirm."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from market.fields import MoneyField

from ..models import Dispute
from ..models.disputes import State
from ..services import Decision


class RulingForm(forms.Form):
    remedy = forms.ChoiceField(label=_("Remedy"), choices=Dispute.Remedy.choices)
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4, "cols": 80})
    )
    amount = MoneyField(
        required=False,
        positive=True,
        label=_("Amount"),
        help_text=_("Compensation: credits the payer pays the payee."),
    )
    payer = forms.ModelChoiceField(
        label=_("Payer"), queryset=Division.objects.none(), required=False
    )
    payee = forms.ModelChoiceField(
        label=_("Payee"), queryset=Division.objects.none(), required=False
    )
    new_price = MoneyField(
        required=False,
        label=_("New price"),
        help_text=_("Price adjustment: the disputed fills' new price per unit."),
    )
    reverse_previous = forms.BooleanField(
        required=False,
        label=_("Reverse the first ruling's effects"),
        help_text=_("On appeal: post the exact opposite of the first ruling's ledger effects."),
    )
    nonce = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = Division.objects.filter(pk__in=dispute.parties.values("division"))
        for name in ("payer", "payee"):
            self.fields[name].queryset = parties  # type: ignore[attr-defined]
        self.fields["nonce"].initial = uuid.uuid4()
        if dispute.state != State.APPEALED:
            del self.fields["reverse_previous"]

    # Which fields each remedy uses: the page shows only those, and the rest are dropped here
    # so a value typed for another remedy never reaches the ruling.
    FIELDS_OF = {
        Dispute.Remedy.COMPENSATION: ("amount", "payer", "payee"),
        Dispute.Remedy.PRICE_ADJUSTMENT: ("new_price",),
    }
    REMEDY_FIELDS = ("amount", "payer", "payee", "new_price")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used = self.FIELDS_OF.get(data.get("remedy", ""), ())
        for name in self.REMEDY_FIELDS:
            if name not in used:
                data[name] = None
                self.errors.pop(name, None)
        return data

    def remedies_of(self, name: str) -> str:
        """The remedies a field belongs to, for the page's show/hide ("" for every remedy)."""
        return " ".join(r for r, fields in self.FIELDS_OF.items() if name in fields)

    def rows(self) -> list[tuple[Any, str]]:
        return [(field, self.remedies_of(field.name)) for field in self.visible_fields()]

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            remedy=data["remedy"],
            reasons=data["reasons"],
            amount=data.get("amount"),
            payer_id=data["payer"].pk if data.get("payer") else None,
            payee_id=data["payee"].pk if data.get("payee") else None,
            new_price=data.get("new_price"),
            reverse_previous=bool(data.get("reverse_previous")),
        )

    def as_hidden_fields(self) -> list[Any]:
        return [self[name].as_hidden() for name in self.fields]


class NoteForm(forms.Form):
    why = forms.CharField(label=_("Why"), required=False, max_length=1000)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        max_length=5000,
    )
