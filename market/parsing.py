"""Typed numbers in, one strict reading each: units, money (prices and amounts) and ids.

The only place where what a person or a program typed becomes a number. Forms, API serializers,
disputes and admin all call these, so the browser and the API accept exactly the same inputs:
ASCII digits only (no "١٢", "１２", "²"), whole units, prices and amounts as decimal strings
(no JSON numbers, no exponents, no NaN), "-0" read as 0. Refusals are `MarketError`s naming the
field, in words the user can act on.
"""

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .errors import MarketError

MAX_UNITS = 10**9  # an order's quantity
MAX_MINT = 10**12  # a mint of capacity
MAX_MONEY_DIGITS = 15  # digits before the point: below 10^15 credits
MAX_ID = 2**63 - 1

_DIGITS = re.compile(r"[0-9]{1,30}")
_DECIMAL = re.compile(r"-?(?P<whole>[0-9]{1,30})(?:\.(?P<frac>[0-9]{1,30}))?")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_units(value: Any, *, field: str = "quantity", maximum: int = MAX_UNITS) -> int:
    """A positive whole number of units: 5 or "5"; never 5.0, "5.0", "５", True or "five"."""
    if isinstance(value, bool | float | Decimal):
        raise MarketError(_("Send a whole number of units, e.g. 12."), field=field)
    if isinstance(value, int):
        number = value
    elif _DIGITS.fullmatch(_text(value)):
        number = int(_text(value))
    else:
        raise MarketError(
            _("Units are a whole number written with the digits 0-9, e.g. 12."), field=field
        )
    if number < 1:
        raise MarketError(_("Quantity must be at least 1 unit."), field=field)
    if number > maximum:
        raise MarketError(
            _("At most %(maximum)s units at a time.") % {"maximum": f"{maximum:,}"}, field=field
        )
    return number


def parse_money(value: Any, *, field: str, places: int = 2, negative: bool = False) -> Decimal:
    """Credits as a decimal string with at most `places` decimals: "2.35", "7", "-0" (→ 0.00).

    A JSON number is refused: binary floats lose cents, so the message says to send a string.
    """
    if isinstance(value, Decimal) and value.is_finite():
        value = format(value, "f")
    if isinstance(value, bool | int | float):
        raise MarketError(
            _('Send the amount as a decimal string, e.g. "2.35", not as a number.'), field=field
        )
    match = _DECIMAL.fullmatch(_text(value))
    if match is None:
        raise MarketError(
            _('Write an amount with the digits 0-9 and a point, e.g. "2.35".'), field=field
        )
    if len(match["whole"].lstrip("0")) > MAX_MONEY_DIGITS:
        raise MarketError(_("That amount is larger than any market allows."), field=field)
    if len((match["frac"] or "").rstrip("0")) > places:
        raise MarketError(
            _("Use at most %(places)d decimal places.") % {"places": places}, field=field
        )
    amount = Decimal(_text(value)).quantize(Decimal(1).scaleb(-places))
    if amount == 0:
        return abs(amount)  # "-0" and "-0.00" are 0.00
    if amount < 0 and not negative:
        raise MarketError(_("The amount cannot be negative."), field=field)
    return amount


def parse_id(value: Any) -> int | None:
    """A database id from a query string or form: ASCII digits in range, else None."""
    text = _text(value) if not isinstance(value, int) or isinstance(value, bool) else str(value)
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
