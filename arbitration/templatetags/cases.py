"""Labels for the codes a dispute's snapshot records (side, state, rule, role), in the reader's
language: {% load cases %} then {{ o.side|label:"side" }}."""

from typing import Any

from django import template

from divisions.models import shown_name
from market.models import ClearingRule, Order, Round, Side

from ..models import Party

register = template.Library()

CHOICES: dict[str, Any] = {
    "side": Side,
    "order_state": Order.State,
    "round_state": Round.State,
    "rule": ClearingRule,
    "role": Party.Role,
}


@register.filter
def label(value: Any, kind: str) -> str:
    choices = CHOICES.get(kind)
    if choices is None or value not in choices.values:
        return "" if value is None else str(value)
    return str(choices(value).label)


@register.filter
def party_name(part: dict[str, Any]) -> str:
    """A snapshot's division in the reader's language (snapshots before name_en: the name)."""
    return shown_name(str(part.get("name", "")), str(part.get("name_en") or ""))
