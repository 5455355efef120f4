"""The bundle form: one limit for the package and one leg row (market, side, quantity) per
market of the session round, as a bundle has at most one leg per market (and at most MAX_LEGS
legs: the service refuses more, whatever the form offers); rows left without a quantity are
not legs. Numbers are read by `market.parsing`, as the API reads them."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import MarketError
from .fields import MoneyField, UnitsField
from .models import Bundle, BundleLeg, Round, Side
from .models.bundles import MAX_LEGS
from .parsing import parse_money
from .services.bundles import LegInput


def leg_rows(rounds: list[Round]) -> int:
    """One row per market of the session round, at most MAX_LEGS, at least one."""
    return max(1, min(len(rounds), MAX_LEGS))


def _rows_for_legs(legs: list[BundleLeg], rounds: list[Round]) -> dict[int, BundleLeg]:
    """Each leg in its market's row; a leg whose market has no row (a session of more than
    MAX_LEGS markets) in the row of a market the bundle has no leg in."""
    row_of = {r.market_id: i for i, r in enumerate(rounds[: leg_rows(rounds)])}
    placed = {row_of[leg.round.market_id]: leg for leg in legs if leg.round.market_id in row_of}
    spare = (i for i in range(leg_rows(rounds)) if i not in placed)
    for leg in legs:
        if leg.round.market_id not in row_of:
            placed[next(spare)] = leg
    return placed


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
        self.market_names = {str(r.market_id): r.market.display_name for r in rounds}
        choices = [("", "—"), *self.market_names.items()]
        self.leg_rows = leg_rows(rounds)
        for i in range(self.leg_rows):
            # row i starts on the session round's i-th market: fill in the quantities wanted
            market = str(rounds[i].market_id) if i < len(rounds) else ""
            self.fields[f"leg_{i}_market"] = forms.ChoiceField(
                label=_("Market"), choices=choices, required=False, initial=market
            )
            self.fields[f"leg_{i}_side"] = forms.ChoiceField(
                label=_("Side"), choices=Side.choices, required=False
            )
            self.fields[f"leg_{i}_quantity"] = UnitsField(label=_("Quantity"), required=False)

    @classmethod
    def for_bundle(cls, bundle: Bundle, data: Any, rounds: list[Round]) -> "BundleForm":
        """The form filled in with the bundle: each leg in its market's row."""
        initial: dict[str, Any] = {"limit": bundle.limit}
        for i, leg in _rows_for_legs(list(bundle.legs.all()), rounds).items():
            initial[f"leg_{i}_market"] = str(leg.round.market_id)
            initial[f"leg_{i}_side"] = leg.side
            initial[f"leg_{i}_quantity"] = leg.quantity
        return cls(data, rounds=rounds, initial=initial)

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField, str]]:
        """Each row's fields and the full name of the market it is on (a phone cuts the
        select's text short, and window markets differ only at the end of their names)."""
        rows = []
        for i in range(self.leg_rows):
            market = self[f"leg_{i}_market"]
            name = self.market_names.get(str(market.value()), "")
            rows.append((market, self[f"leg_{i}_side"], self[f"leg_{i}_quantity"], name))
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        legs = []
        for i in range(self.leg_rows):
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
