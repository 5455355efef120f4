"""An order's outcome in the API: the explanation the browser's round and order pages show.

The same selector (market/selectors/orders.py → outcomes.py) builds both, so the words are the
same and in the reader's language (`Accept-Language`).
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Fill, Order, Round
from ..selectors.orders import OrderResult, order_result


class OutcomeSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(
        choices=["open", "cancelled", "pending", "filled", "partial", "unfilled"],
        help_text="open and cancelled as the order; pending: closed, the round not cleared yet; "
        "then filled, partial or unfilled.",
    )
    filled = serializers.IntegerField(help_text="Units the order got (0 until it clears).")
    needed = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        allow_null=True,
        help_text="The limit that would have filled the order in full, every other order "
        "unchanged; null when it filled, or when no limit within floor and cap would have.",
    )
    summary = serializers.CharField(help_text="What the order got, paid or received, and why.")
    lines = serializers.ListField(
        child=serializers.CharField(), help_text="Why it filled as it did, line by line."
    )


def outcome_of(order: Order, round_: Round | None = None) -> dict[str, Any]:
    """The order's outcome; an open or cancelled order touches no other row (placement stays
    at its statement count)."""
    if order.state in (Order.State.OPEN, Order.State.CANCELLED):
        result = OrderResult(order, None, None)
    else:
        result = order_result(round_ or order.round, order)
    outcome = result.outcome
    state = outcome.state if outcome else order.state
    return {
        "state": "pending" if outcome is None and state not in ("open", "cancelled") else state,
        "filled": result.filled,
        "needed": outcome.needed if outcome else None,
        "summary": result.summary,
        "lines": list(outcome.lines) if outcome else [],
    }


def outcome_field() -> Any:
    return serializers.SerializerMethodField(
        help_text="Filled, partly filled or not; why; and the limit it would have needed: the "
        "explanation the browser's round page shows."
    )


outcome_schema = extend_schema_field(OutcomeSerializer)


def fill_outcome(fill: Fill) -> dict[str, Any]:
    order = fill.order
    Order.fill.related.set_cached_value(order, fill)
    return outcome_of(order, fill.round)
