"""One way to write numbers, money, units and times, for pages, admin, CSV and e-mails.

Everything follows the active language (grouping from tokenhub/formats) and the active time zone
(the reader's preference): thousands separators always, one minus sign (U+2212), never -0.00,
never an ISO timestamp with microseconds, and every time carries its zone.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone
from django.utils.dateformat import format as date_format

MINUS = "\u2212"
Number = Decimal | int | float | str


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value: Any, places: int | None = None, *, sign: bool = False, minus: str = MINUS) -> str:
    """Grouped in the reader's locale, with `places` decimals (None: as many as the value has)."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    negative = amount < 0
    digits = formats.number_format(abs(amount), places, use_l10n=True, force_grouping=True)
    if negative:
        return minus + digits
    return ("+" + digits) if sign and amount > 0 else digits


def money(value: Any, *, sign: bool = False, minus: str = MINUS) -> str:
    """Credits: always two places (1,234.50)."""
    return number(value, 2, sign=sign, minus=minus)


def units(value: Any, *, sign: bool = False, minus: str = MINUS) -> str:
    """Whole units of goods (GPU-hours, 1M tokens)."""
    return number(value, 0, sign=sign, minus=minus)


def price(value: Any) -> str:
    """A price as quoted: at least two places, more if the tick has them."""
    amount = _decimal(value)
    if amount is None:
        return number(value)
    exponent = amount.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return number(amount, places)


def zone_label(value: datetime) -> str:
    """UTC, UTC+8, UTC+5:30: short, unambiguous in both languages."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes > 0 else MINUS
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def when(value: datetime | None, *, seconds: bool = False, zone: bool = True) -> str:
    """A moment in the reader's time zone, to the minute (or second), with its zone."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    text = date_format(local, "Y-m-d H:i:s" if seconds else "Y-m-d H:i")
    return f"{text} {zone_label(local)}" if zone and timezone.is_aware(value) else text


def time_of_day(value: datetime | None, *, seconds: bool = True) -> str:
    """Only the clock time, for a moment whose day is already on screen."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(local, "H:i:s" if seconds else "H:i")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "Y-m-d")


def stamp(value: datetime | None) -> str:
    """A machine-readable moment for records (snapshots, CSV): ISO 8601, whole seconds, offset."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return local.replace(microsecond=0).isoformat()


# A Chinese sentence ends in a full-width mark that carries its own spacing: a space after it
# shows as a gap ("。 "), so sentences written one after another join without one there.
FULL_WIDTH_END = ("。", "！", "？", "；")
SENTENCE_GAP = re.compile(rf"(?<=[{''.join(FULL_WIDTH_END)}])\s+")


def join_sentences(parts: Iterable[Any]) -> str:
    """Sentences one after another (a message and its warnings, a list of problems): a space
    between them, none after a full-width mark. Empty parts are left out."""
    said = [str(part).strip() for part in parts if part is not None and str(part).strip()]
    joined = said[0] if said else ""
    for sentence in said[1:]:
        joined += ("" if joined.endswith(FULL_WIDTH_END) else " ") + sentence
    return joined


def tighten_sentences(text: str) -> str:
    """Text (HTML too) with no gap after a full-width mark: sentences a template wrote
    one after another, joined as `join_sentences` joins them."""
    return SENTENCE_GAP.sub("", text).strip()
