"""Browser forms: they carry what was typed; the services and market rules judge it.

Quantity and limit are text fields on purpose: the same rules as the API (``market/rules.py``)
check them inside the service, and their messages come back inline under the field.
"""

from typing import Any

from django import forms

from divisions.models import Division
from ledger.models import Asset, LedgerTransaction

from .errors import MarketError
from .models import Order, Side


def _text(label: str, mode: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off", "size": 12}),
    )


class OrderForm(forms.Form):
    side = forms.ChoiceField(
        label="Side", choices=Side.choices, initial=Side.BUY, widget=forms.RadioSelect
    )
    quantity = _text("Quantity (units)", "numeric", "Whole units.")
    limit = _text("Limit price (credits per unit)", "decimal")

    def refuse(self, error: MarketError) -> None:
        """Show a service's refusal under the field it names, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class OrderChangeForm(OrderForm):
    """Quantity and limit of an open order; its side cannot change."""

    side = None  # type: ignore[assignment]

    @classmethod
    def for_order(cls, order: Order, data: Any = None) -> "OrderChangeForm":
        initial = {"quantity": order.quantity, "limit": order.limit}
        return cls(data, initial=initial)


class StatementForm(forms.Form):
    asset = forms.ModelChoiceField(
        label="Asset",
        queryset=Asset.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=None,
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "All reasons"), *LedgerTransaction.Reason.choices],
        required=False,
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, division: Division) -> None:
        super().__init__(data)
        assets = Asset.objects.filter(accounts__division=division).distinct()
        self.fields["asset"].queryset = assets.order_by("kind", "code")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data


class OrdersFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="State", choices=[("", "All states"), *Order.State.choices], required=False
    )
    market = forms.SlugField(label="Market", required=False, widget=forms.HiddenInput)
