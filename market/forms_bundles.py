"""The bundle form: one limit for the package and up to LEG_ROWS legs (market, side, quantity);
rows left without a quantity are not legs. Numbers are read by `market.parsing`, as the API
reads them."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import MarketError
from .fields import MoneyField, UnitsField
from .models import Bundle, Round, Side
from .parsing import parse_money
from .services.bundles import LegInput

LEG_ROWS = 4


class SignedMoneyField(MoneyField):
    """Credits that may be negative: a net seller's least receipt R is the limit −R."""

    def parse(self, text: str) -> Decimal:
        return parse_money(text, field="limit", places=self.places, negative=True)


class BundleForm(forms.Form):
    limit = SignedMoneyField(
        label=_("Limit for the whole bundle (credits)"),
        help_text=_(
            "The most the package may cost net: Σ bought × price − Σ sold × price. "
            "A net seller asking at least R credits enters −R."
        ),
    )

    def __init__(self, data: Any = None, *, rounds: list[Round], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        choices = [("", "—"), *((str(r.market_id), r.market.name) for r in rounds)]
        for i in range(LEG_ROWS):
            self.fields[f"leg_{i}_market"] = forms.ChoiceField(
                label=_("Market"), choices=choices, required=False
            )
            self.fields[f"leg_{i}_side"] = forms.ChoiceField(
                label=_("Side"), choices=Side.choices, required=False
            )
            self.fields[f"leg_{i}_quantity"] = UnitsField(label=_("Quantity"), required=False)

    @classmethod
    def for_bundle(cls, bundle: Bundle, data: Any, rounds: list[Round]) -> "BundleForm":
        initial: dict[str, Any] = {"limit": bundle.limit}
        for i, leg in enumerate(bundle.legs.all()):
            initial[f"leg_{i}_market"] = str(leg.round.market_id)
            initial[f"leg_{i}_side"] = leg.side
            initial[f"leg_{i}_quantity"] = leg.quantity
        return cls(data, rounds=rounds, initial=initial)

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"leg_{i}_market"], self[f"leg_{i}_side"], self[f"leg_{i}_quantity"])
            for i in range(LEG_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        legs = []
        for i in range(LEG_ROWS):
            market, quantity = data.get(f"leg_{i}_market"), data.get(f"leg_{i}_quantity")
            if not quantity:
                continue
            if not market:
                self.add_error(f"leg_{i}_market", _("Pick the leg's market."))
                continue
            legs.append((i, LegInput(market, data.get(f"leg_{i}_side") or "buy", quantity)))
        if not legs and not self.errors:
            raise ValidationError(_("Give at least one leg a quantity."))
        self.rows_used = [row for row, _leg in legs]
        data["legs"] = [leg for _row, leg in legs]
        return data

    def refuse(self, error: MarketError) -> None:
        """A service's refusal under the field it names ("legs.<n>.quantity" is the n-th
        leg sent, i.e. the n-th row with a quantity), or above the form."""
        field = error.field or ""
        if field.startswith("legs."):
            _legs, n, part = (field.split(".") + ["", ""])[:3]
            rows = getattr(self, "rows_used", [])
            if n.isdigit() and int(n) < len(rows):
                field = f"leg_{rows[int(n)]}_{part or 'market'}"
        self.add_error(field if field in self.fields else None, error.message)
