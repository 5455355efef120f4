from typing import Any

from django import template

from ..selectors.guarantees import guarantee_standing

register = template.Library()


@register.inclusion_tag("oversight/_guarantee.html")
def guarantee_panel(division: Any, round_: Any) -> dict[str, Any]:
    """A division's guaranteed minimum in the round's market and what it has used of it."""
    return {"standing": guarantee_standing(division=division, round_=round_), "round": round_}
