"""Examples in the schema, shaped as the endpoints answer."""

from typing import Any

from drf_spectacular.utils import OpenApiExample

EVENT = {
    "id": 5531,
    "kind": "order.filled",
    "division": 2,
    "subject": {"type": "order", "id": "h5n2c8r1v6d0s3ye"},
    "data": {
        "order": "h5n2c8r1v6d0s3ye",
        "fill": "7k2m9x4q3t8p1wzb",
        "round": 41,
        "market": 3,
        "side": "buy",
        "filled": 4,
        "price": "2.35",
        "amount": "9.40",
    },
    "created_at": "2026-11-23T15:55:02Z",
}
FEED = {"results": [EVENT], "cursor": "90211-5531", "has_more": False}
SUBSCRIPTION = {
    "id": 7,
    "division": 2,
    "url": "https://bots.example.com/tokenhub",
    "kinds": [],
    "active": True,
    "created_at": "2026-11-23T15:00:00Z",
    "deactivated_at": None,
}
DELIVERY = {
    "id": 301,
    "event": 5531,
    "kind": "order.filled",
    "state": "delivered",
    "attempts": 2,
    "next_attempt_at": None,
    "delivered_at": "2026-11-23T15:55:13Z",
    "attempt_log": [
        {
            "number": 1,
            "at": "2026-11-23T15:55:03Z",
            "status_code": 503,
            "error": "",
            "duration_ms": 41,
        },
        {
            "number": 2,
            "at": "2026-11-23T15:55:13Z",
            "status_code": 200,
            "error": "",
            "duration_ms": 38,
        },
    ],
}


def example(name: str, value: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)
