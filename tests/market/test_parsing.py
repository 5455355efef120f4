"""The one strict reading of units and money: every text is either a number or a MarketError."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.errors import MarketError
from market.parsing import parse_id, parse_money, parse_units


@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none()))
def test_any_input_is_a_number_or_a_refusal_naming_the_field(value):
    for parse in (lambda v: parse_units(v), lambda v: parse_money(v, field="quantity")):
        refusal = None
        try:
            parse(value)
        except MarketError as error:
            refusal = error
        assert refusal is None or (refusal.field, bool(refusal.message)) == ("quantity", True)
    assert parse_id(value) is None or parse_id(value) >= 1


@given(st.decimals(min_value=0, max_value=Decimal("1e14"), places=2))
def test_decimal_strings_read_back_exactly(amount):
    assert parse_money(str(amount), field="limit") == amount
    assert str(parse_money(format(amount, "f"), field="limit")) == format(amount, ".2f")


@pytest.mark.parametrize("text", ["-0", "-0.00", "0", "000.0"])
def test_minus_zero_is_zero(text):
    assert str(parse_money(text, field="limit")) == "0.00"


@pytest.mark.parametrize("text", ["١٢", "１２", "²", "1.0", "+1", " ", "1_000", "0"])
def test_units_are_ascii_digits_and_positive(text):
    with pytest.raises(MarketError):
        parse_units(text)
