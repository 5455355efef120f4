"""Template filters over tokenhub.formatting: {% load fmt %} then {{ x|money }}, {{ t|when }}."""

from datetime import datetime
from typing import Any

from django import template
from django.utils.safestring import mark_safe

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


class _Sentences(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        # what the nodes rendered is escaped already
        return mark_safe(formatting.tighten_sentences(self.nodelist.render(context)))  # noqa: S308


@register.tag
def sentences(parser: template.base.Parser, token: template.base.Token) -> _Sentences:
    """{% sentences %}…{% endsentences %}: sentences a template writes one after another, with
    no gap after a full-width mark (。) when they read in Chinese."""
    nodelist = parser.parse(("endsentences",))
    parser.delete_first_token()
    return _Sentences(nodelist)
