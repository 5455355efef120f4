"""Template filters over tokenhub.formatting: {% load fmt %} then {{ x|money }}, {{ t|when }}."""

from datetime import datetime
from typing import Any

from django import template

from tokenhub import formatting

register = template.Library()


@register.filter
def money(value: Any) -> str:
    return formatting.money(value)


@register.filter
def signed_money(value: Any) -> str:
    """+1,234.00 / −1,234.00 / 0.00."""
    return formatting.money(value, sign=True)


@register.filter
def units(value: Any) -> str:
    return formatting.units(value)


@register.filter
def signed_units(value: Any) -> str:
    return formatting.units(value, sign=True)


@register.filter
def price(value: Any) -> str:
    return formatting.price(value)


@register.filter
def number(value: Any, places: Any = None) -> str:
    return formatting.number(value, None if places is None else int(places))


def _moment(value: datetime | str | None) -> datetime | None:
    """A datetime, or an ISO 8601 string as records store them (snapshots)."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return value


@register.filter
def when(value: datetime | str | None) -> str:
    return formatting.when(_moment(value))


@register.filter
def when_s(value: datetime | str | None) -> str:
    """To the second."""
    return formatting.when(_moment(value), seconds=True)


@register.filter
def clock(value: datetime | None) -> str:
    return formatting.time_of_day(value)


@register.filter
def day(value: Any) -> str:
    return formatting.day(value)
