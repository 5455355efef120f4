"""Browser forms: quantity and limit are read by `market.parsing` (the same strict reading as
the API) and checked against the round's rules here, so every field's error shows at once; the
services check again and decide (funds, round state).
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divisions.models import Division
from ledger.models import Asset, LedgerTransaction
from tokenhub.formatting import day as day_text

from .errors import MarketError
from .fields import MoneyField, UnitsField
from .models import Order, Round, Side
from .rules import parse_limit

# A statement can be asked for from the first to the last day a date can name.
EARLIEST, LATEST = date(2000, 1, 1), date(9999, 12, 30)


class OrderForm(forms.Form):
    side = forms.ChoiceField(
        label=gettext_lazy("Side"), choices=Side.choices, initial=Side.BUY, widget=forms.RadioSelect
    )
    quantity = UnitsField(
        label=gettext_lazy("Quantity (units)"), help_text=gettext_lazy("Whole units.")
    )
    limit = MoneyField(label=gettext_lazy("Limit price (credits per unit)"))

    def __init__(self, data: Any = None, *, round_: Round | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.round = round_

    def clean_limit(self) -> Decimal | None:
        limit = self.cleaned_data.get("limit")
        if limit is None or self.round is None:
            return limit
        try:
            return parse_limit(limit, self.round)
        except MarketError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    @property
    def warnings(self) -> list[str]:
        """Allowed but probably not meant: a bid at 0 only fills against asks at 0."""
        if getattr(self, "cleaned_data", None) is None or self.side_of() != Side.BUY:
            return []
        if self.cleaned_data.get("limit") == 0:
            return [_("A bid at 0.00 can only fill against asks at 0.00.")]
        return []

    def side_of(self) -> str:
        return str(self.data.get("side", ""))

    def refuse(self, error: MarketError) -> None:
        """Show a service's refusal under the field it names, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class OrderChangeForm(OrderForm):
    """Quantity and limit of an open order; its side cannot change."""

    side = None  # type: ignore[assignment]
    order_side = ""

    @classmethod
    def for_order(cls, order: Order, data: Any = None) -> "OrderChangeForm":
        initial = {"quantity": order.quantity, "limit": order.limit}
        form = cls(data, round_=order.round, initial=initial)
        form.order_side = str(order.side)
        return form

    def side_of(self) -> str:
        return self.order_side


class StatementForm(forms.Form):
    asset = forms.ModelChoiceField(
        label=gettext_lazy("Asset"),
        queryset=Asset.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=None,
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        choices=[("", gettext_lazy("All reasons")), *LedgerTransaction.Reason.choices],
        required=False,
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data: Any, *, division: Division) -> None:
        super().__init__(data)
        assets = Asset.objects.filter(accounts__division=division).distinct()
        field = self.fields["asset"]
        field.queryset = assets.select_related("window__series").order_by("kind", "code")  # type: ignore[attr-defined]
        field.label_from_instance = lambda asset: asset.display_name  # type: ignore[attr-defined]

    def _bounded(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Pick a date between %(earliest)s and %(latest)s.")
                % {"earliest": day_text(EARLIEST), "latest": day_text(LATEST)}
            )
        return day

    def clean_since(self) -> date | None:
        return self._bounded("since")

    def clean_until(self) -> date | None:
        return self._bounded("until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


class OrdersFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        choices=[("", gettext_lazy("All states")), *Order.State.choices],
        required=False,
    )
    market = forms.SlugField(label=gettext_lazy("Market"), required=False, widget=forms.HiddenInput)
