"""Request and response examples for the OpenAPI docs (what an agent sees at /api/docs/)."""

from drf_spectacular.utils import OpenApiExample

ASSET = {
    "code": "gpu-h100-eu-west-2026w48",
    "name": "H100 GPU-hours, eu-west, week 48",
    "kind": "gpu",
    "unit": "GPU-hours",
    "gpu_type": "H100",
    "pool": "eu-west",
    "model_name": "",
    "delivery_start": "2026-11-23T00:00:00Z",
    "delivery_end": "2026-11-30T00:00:00Z",
}
ROUND_BRIEF = {
    "id": 42,
    "number": 7,
    "state": "open",
    "opens_at": "2026-11-23T16:00:00Z",
    "closes_at": "2026-11-23T16:05:00Z",
}
MARKET = {
    "id": 3,
    "slug": "h100-eu-west",
    "name": "H100 eu-west",
    "asset": ASSET,
    "tick": "0.01",
    "floor": "0.50",
    "cap": "20.00",
    "rule": "midpoint",
    "round_minutes": 5,
    "gap_minutes": 0,
    "halted": False,
    "halt_reason": "",
    "upcoming_round": ROUND_BRIEF,
}
ROUND = {
    **ROUND_BRIEF,
    "market": 3,
    "tick": "0.01",
    "floor": "0.50",
    "cap": "20.00",
    "rule": "midpoint",
    "price": None,
    "volume": 0,
    "cleared_at": None,
    "settled_at": None,
}
RESULT = {
    "round": 41,
    "market": 3,
    "number": 6,
    "state": "settled",
    "rule": "midpoint",
    "price": "2.35",
    "price_low": "2.30",
    "price_high": "2.40",
    "volume": 120,
    "demand": [
        {"price": "2.60", "units": 40},
        {"price": "2.40", "units": 120},
        {"price": "2.10", "units": 200},
    ],
    "supply": [
        {"price": "1.90", "units": 60},
        {"price": "2.30", "units": 120},
        {"price": "2.70", "units": 180},
    ],
    "cleared_at": "2026-11-23T15:55:02Z",
    "settled_at": "2026-11-23T15:55:02Z",
    "lines": [
        "120 units traded at 2.35 for every buyer and seller.",
        "Every price from 2.30 (the marginal ask) to 2.40 (the marginal bid) clears the volume; "
        "the clearing price is 2.35.",
    ],
}
ORDER = {
    "id": "3k9xq2m7tb4wz8pa",
    "round": 42,
    "market": 3,
    "division": 2,
    "side": "buy",
    "quantity": 10,
    "limit": "2.35",
    "state": "open",
    "placed_by": "assistant-lead",
    "created_at": "2026-11-23T16:01:10Z",
    "updated_at": "2026-11-23T16:01:10Z",
    "fill": None,
    "outcome": {
        "state": "open",
        "filled": 0,
        "needed": None,
        "summary": "Open: sealed until the round closes and clears.",
        "lines": [],
    },
}
PARTIAL_OUTCOME = {
    "state": "partial",
    "filled": 4,
    "needed": "2.45",
    "summary": "Bought 4 of 10 at 2.35: paid 9.40 credits; 14.10 of the 23.50 held came back.",
    "lines": [
        "Your limit 2.35 was the marginal bid: only 4 of the 12 units bid at that price could "
        "trade, shared pro rata.",
        "With every other order unchanged, a bid of 10 at 2.45 or more would have filled in "
        "full: 130 units were asked at or below that price and 120 bid above it.",
    ],
}
ORDER_IN_RESULT = {
    "id": 1150,
    "round": 41,
    "market": 3,
    "division": 2,
    "side": "buy",
    "quantity": 10,
    "limit": "2.35",
    "state": "partial",
    "placed_by": "assistant-lead",
    "created_at": "2026-11-23T15:50:10Z",
    "updated_at": "2026-11-23T15:50:10Z",
    "fill": {"quantity": 4, "price": "2.35", "amount": "9.40"},
    "outcome": PARTIAL_OUTCOME,
}
RESULT["orders"] = [ORDER_IN_RESULT]
FILL = {
    "id": "7k2m9x4q3t8p1wzb",
    "order": "h5n2c8r1v6d0s3ye",
    "round": 41,
    "market": 3,
    "division": 2,
    "side": "buy",
    "quantity": 4,
    "price": "2.35",
    "amount": "9.40",
    "outcome": PARTIAL_OUTCOME,
}
ENTRY = {
    "id": 5012,
    "transaction": 2301,
    "created_at": "2026-11-23T16:01:10Z",
    "reason": "hold",
    "memo": "Escrow for order 3k9xq2m7tb4wz8pa: buy 10 @ 2.35",
    "division": 2,
    "asset": "credits",
    "account": "available",
    "amount": "-23.50",
    "balance": "976.50",
    "reference": "order:3k9xq2m7tb4wz8pa",
}
HOLDING = {
    "division": 2,
    "division_name": "Assistant",
    "asset": "credits",
    "asset_name": "Credits",
    "unit": "credits",
    "available": "976.50",
    "held": "23.50",
    "total": "1000.00",
}
ME = {
    "username": "assistant-bot",
    "division": {"id": 2, "name": "Assistant", "slug": "assistant"},
    "role": "member",
    "may_trade": True,
    "management": False,
    "auditor": False,
    "token": {"name": "pricing bot", "prefix": "3f9a1c0b7d2e", "scopes": ["read", "trade"]},
}


def page(item: dict[str, object]) -> dict[str, object]:
    return {"count": 1, "next": None, "previous": None, "results": [item]}


def response(name: str, value: object) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def request(name: str, value: object, summary: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, summary=summary)


PLACE_BID = request(
    "Place a bid", {"round": 42, "side": "buy", "quantity": 10, "limit": "2.35"}, "Buy 10 at ≤ 2.35"
)
PLACE_ASK = request(
    "Place an ask", {"round": 42, "side": "sell", "quantity": 25, "limit": "1.90"}, "Sell 25"
)
CHANGE = request("Raise the limit", {"limit": "2.50"}, "Quantity stays; escrow grows")
