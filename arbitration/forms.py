"""Browser forms for division leads; they validate input, the services decide."""

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from market.fields import MoneyField

from .models import Dispute
from .services.case import CONTENT_TYPES

CLAIMABLE = [c for c in Dispute.Remedy.choices if c[0] != Dispute.Remedy.DISMISS]


class DisputeForm(forms.Form):
    subject = forms.ChoiceField(label=_("Subject"), choices=Dispute.Subject.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Dispute.Category.choices)
    claimed_remedy = forms.ChoiceField(choices=CLAIMABLE, label=_("Remedy you ask for"))
    claimed_amount = MoneyField(initial=Decimal("0.00"), label=_("Amount claimed (credits)"))
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000
    )

    def __init__(self, *args: object, fill: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        subjects = [c for c in Dispute.Subject.choices if (c[0] != Dispute.Subject.PRICE) == fill]
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
        self.fields["subject"].initial = subjects[0][0]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000
    )
    file = forms.FileField(
        required=False,
        label=_("File"),
        help_text=format_lazy(
            _("Up to 5 MB: {types}"),
            types=", ".join(sorted({e.lstrip(".") for e in CONTENT_TYPES})),
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(CONTENT_TYPES))}),
    )


class ResponseForm(forms.Form):
    body = forms.CharField(
        label=_("Your response"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class AppealForm(forms.Form):
    why = forms.CharField(
        label=_("Why the ruling should change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class WithdrawForm(forms.Form):
    why = forms.CharField(label=_("Reason (optional)"), required=False, max_length=1000)
