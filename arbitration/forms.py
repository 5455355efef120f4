"""Browser forms for division leads; they validate input, the services decide."""

from decimal import Decimal

from django import forms

from market.fields import MoneyField

from .models import Dispute
from .services.case import CONTENT_TYPES

CLAIMABLE = [c for c in Dispute.Remedy.choices if c[0] != Dispute.Remedy.DISMISS]


class DisputeForm(forms.Form):
    subject = forms.ChoiceField(choices=Dispute.Subject.choices)
    category = forms.ChoiceField(choices=Dispute.Category.choices)
    claimed_remedy = forms.ChoiceField(choices=CLAIMABLE, label="Remedy you ask for")
    claimed_amount = MoneyField(initial=Decimal("0.00"), label="Amount claimed (credits)")
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)

    def __init__(self, *args: object, fill: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        subjects = [c for c in Dispute.Subject.choices if (c[0] != Dispute.Subject.PRICE) == fill]
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
        self.fields["subject"].initial = subjects[0][0]


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000
    )
    file = forms.FileField(
        required=False,
        help_text="Up to 5 MB: " + ", ".join(sorted({e.lstrip(".") for e in CONTENT_TYPES})),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(CONTENT_TYPES))}),
    )


class ResponseForm(forms.Form):
    body = forms.CharField(
        label="Your response", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class AppealForm(forms.Form):
    why = forms.CharField(
        label="Why the ruling should change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class WithdrawForm(forms.Form):
    why = forms.CharField(label="Reason (optional)", required=False, max_length=1000)
