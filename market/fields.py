"""Form fields for units and money that read input with `market.parsing` (the one strict reading),
so browser forms and admin accept exactly what the API accepts."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import MarketError
from .parsing import MAX_UNITS, parse_money, parse_units


class _Parsed(forms.CharField):
    def __init__(self, *, inputmode: str, **kwargs: Any) -> None:
        attrs = {"inputmode": inputmode, "autocomplete": "off", "size": 12, "maxlength": 40}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return self.parse(text)
        except MarketError as error:
            raise ValidationError(error.message, code=error.code) from None

    def prepare_value(self, value: Any) -> Any:
        return format(value, "f") if isinstance(value, Decimal) else value


class UnitsField(_Parsed):
    """A positive whole number of units in ASCII digits."""

    def __init__(self, *, maximum: int = MAX_UNITS, **kwargs: Any) -> None:
        self.maximum = maximum
        super().__init__(inputmode="numeric", **kwargs)

    def parse(self, text: str) -> int:
        return parse_units(text, maximum=self.maximum)


class MoneyField(_Parsed):
    """Credits as a decimal string ("2.35"); `positive` refuses 0."""

    def __init__(self, *, places: int = 2, positive: bool = False, **kwargs: Any) -> None:
        self.places, self.positive = places, positive
        super().__init__(inputmode="decimal", **kwargs)

    def parse(self, text: str) -> Decimal:
        amount = parse_money(text, field="amount", places=self.places)
        if self.positive and amount <= 0:
            raise MarketError(_("The amount must be more than 0."))
        return amount
