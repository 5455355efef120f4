"""Oversight's browser forms; prices are parsed strictly here, in one place."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from divisions.models import Division
from market.models import ClearingRule

from .replay import Params

_PRICE = re.compile(r"\d{1,15}(\.\d{1,2})?", re.ASCII)


def parse_price(text: str) -> Decimal | None:
    """'' means no price; else ASCII digits with at most two decimals, e.g. '2.35'."""
    text = text.strip()
    if not text:
        return None
    if not _PRICE.fullmatch(text):
        raise forms.ValidationError(
            _("Give a price as digits with at most two decimals, e.g. 2.35; not %(value)s."),
            params={"value": text[:40]},
        )
    return Decimal(text).quantize(Decimal("0.01"))


class PriceField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=32, required=False, **kwargs)

    def clean(self, value: Any) -> Decimal | None:
        return parse_price(super().clean(value) or "")


class ReplayForm(forms.Form):
    rule = forms.ChoiceField(label=_("Clearing rule"), choices=ClearingRule.choices)
    floor = PriceField(label=_("Floor"), help_text=_("Empty: no floor."))
    cap = PriceField(label=_("Cap"), help_text=_("Empty: no cap."))
    without = forms.ModelMultipleChoiceField(
        label=_("Remove these divisions' orders"),
        queryset=Division.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    keep_guarantees = forms.BooleanField(
        label=_("Serve the guaranteed minimums first, as the round did"), required=False
    )

    def __init__(self, *args: Any, divisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["without"].queryset = divisions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floor, cap = data.get("floor"), data.get("cap")
        if floor is not None and cap is not None and floor > cap:
            raise forms.ValidationError(_("The floor cannot be above the cap."))
        return data

    def params(self, tick: Decimal) -> Params:
        data = self.cleaned_data
        return Params(rule=data["rule"], floor=data["floor"], cap=data["cap"], tick=tick)

    @classmethod
    def initial_for(cls, params: Params) -> dict[str, Any]:
        return {
            "rule": params.rule,
            "floor": "" if params.floor is None else str(params.floor),
            "cap": "" if params.cap is None else str(params.cap),
            "keep_guarantees": True,
        }
