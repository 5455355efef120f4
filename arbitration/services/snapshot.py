"""The snapshot attached to every dispute when it is filed: what it is about, as it stood.

Management and auditors see all of it; a party sees the round's published result and its own
orders and fills (sealed bids stay sealed: other divisions' orders are never shown to it).
"""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from divisions.models import Division
from market.models import Fill, Order, Round
from tokenhub.formatting import stamp

from ..models import Dispute, Evidence


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _round_row(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "market": round_.market.name,  # a record: the stored name
        "number": round_.number,
        "state": round_.state,
        "rule": round_.rule,
        "tick": str(round_.tick),
        "floor": _money(round_.floor),
        "cap": _money(round_.cap),
        "price": _money(round_.price),
        "price_low": _money(round_.price_low),
        "price_high": _money(round_.price_high),
        "volume": round_.volume,
        "demand": round_.demand,
        "supply": round_.supply,
        "opens_at": stamp(round_.opens_at),
        "closes_at": stamp(round_.closes_at),
    }


def _order_row(order: Order) -> dict[str, Any]:
    return {
        "id": order.public_id,
        "side": order.side,
        "quantity": order.quantity,
        "limit": str(order.limit),
        "state": order.state,
        "placed_at": stamp(order.created_at),
    }


def _fill_row(fill: Fill) -> dict[str, Any]:
    return {
        "id": fill.public_id,
        "order": fill.order.public_id,
        "side": fill.side,
        "quantity": fill.quantity,
        "price": str(fill.price),
        "amount": str(fill.amount),
    }


def snapshot_build(dispute: Dispute) -> dict[str, Any]:
    """The round's result and every party's orders and fills, as they stand now."""
    round_ = dispute.round
    roles = dict(dispute.parties.values_list("division_id", "role"))
    divisions: dict[str, Any] = {
        str(pk): {"name": name, "name_en": name_en, "role": roles[pk], "orders": [], "fills": []}
        for pk, name, name_en in Division.objects.filter(pk__in=roles).values_list(
            "pk", "name", "name_en"
        )
    }
    for order in Order.objects.filter(round=round_, division_id__in=roles).order_by("id"):
        divisions[str(order.division_id)]["orders"].append(_order_row(order))
    for fill in (
        Fill.objects.filter(round=round_, division_id__in=roles)
        .select_related("order")
        .order_by("id")
    ):
        divisions[str(fill.division_id)]["fills"].append(_fill_row(fill))
    return {
        "taken_at": stamp(timezone.now()),
        "round": _round_row(round_),
        "divisions": divisions,
    }


def snapshot_attach(dispute: Dispute) -> Evidence:
    return Evidence.objects.create(
        dispute=dispute,
        kind=Evidence.Kind.SNAPSHOT,
        title=f"Snapshot of {dispute.round} when the dispute was filed",
        snapshot=snapshot_build(dispute),
    )


def snapshot_for(snapshot: dict[str, Any], *, division_id: int | None) -> dict[str, Any]:
    """What one viewer may see: everything (division_id None) or the round and their part."""
    if division_id is None:
        return snapshot
    own = snapshot.get("divisions", {}).get(str(division_id))
    return {**snapshot, "divisions": {str(division_id): own} if own else {}}
