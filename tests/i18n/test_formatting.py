"""Numbers and times read the same way on every page, CSV and e-mail, in both languages."""

import zoneinfo
from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from tokenhub import formatting

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_money_has_thousands_separators_in_both_languages():
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert formatting.money(Decimal("495444.65")) == "495,444.65"
            assert formatting.money(Decimal("1234567")) == "1,234,567.00"
            assert formatting.units(20000) == "20,000"


def test_one_minus_sign_and_never_minus_zero():
    assert formatting.money(Decimal("-12.5")) == "\u221212.50"
    assert formatting.money(Decimal("-0.001")) == "0.00"
    assert formatting.money(Decimal("-0.00")) == "0.00"
    assert formatting.money(Decimal("3"), sign=True) == "+3.00"
    assert formatting.money(Decimal("0"), sign=True) == "0.00"
    assert formatting.units(-5, sign=True) == "\u22125"


def test_prices_keep_their_ticks():
    assert formatting.price(Decimal("0.85")) == "0.85"
    assert formatting.price(Decimal("2.4")) == "2.40"
    assert formatting.price(Decimal("1234.125")) == "1,234.125"


def test_times_show_in_the_readers_zone_with_the_zone_and_no_microseconds():
    moment = datetime(2026, 12, 2, 23, 5, 7, 123456, tzinfo=UTC)
    with timezone.override(SHANGHAI):
        assert formatting.when(moment) == "2026-12-03 07:05 UTC+8"
        assert formatting.when(moment, seconds=True) == "2026-12-03 07:05:07 UTC+8"
        assert formatting.stamp(moment) == "2026-12-03T07:05:07+08:00"
        assert formatting.day(moment) == "2026-12-03"
    with timezone.override(UTC):
        assert formatting.when(moment) == "2026-12-02 23:05 UTC"
    with timezone.override(zoneinfo.ZoneInfo("Asia/Kolkata")):
        assert formatting.when(moment).endswith("UTC+5:30")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_money_reads_back_as_the_same_amount(amount):
    text = formatting.money(amount)
    assert "-" not in text
    assert not text.startswith("\u22120.00")
    back = Decimal(text.replace(",", "").replace("\u2212", "-"))
    assert back == amount
