"""Examples in the schema for the dispute endpoints."""

from market.api.examples import request, response

DISPUTE = {
    "id": 12,
    "market": 3,
    "round": 41,
    "fill": "7k2m9x4q3t8p1wzb",
    "subject": "fill",
    "category": "pricing",
    "claimed_remedy": "price_adjustment",
    "claimed_amount": "3.00",
    "statement": "The clearing price was inflated by a fat-finger ask.",
    "filer": 2,
    "parties": [{"division": 2, "role": "filer"}, {"division": 5, "role": "counterparty"}],
    "state": "under_review",
    "filed_at": "2026-11-23T16:10:00Z",
    "response_due": "2026-11-25T16:10:00Z",
    "ruling_due": "2026-11-28T16:10:00Z",
    "appeal_due": None,
    "closed_at": None,
}
FILE = request(
    "File about a fill",
    {
        "fill": "7k2m9x4q3t8p1wzb",
        "subject": "fill",
        "category": "pricing",
        "claimed_remedy": "price_adjustment",
        "claimed_amount": "3.00",
        "statement": "The clearing price was inflated by a fat-finger ask.",
    },
)
FILED = response("Filed", {**DISPUTE, "state": "filed"})
EVIDENCE = {
    "id": 31,
    "kind": "text",
    "division": 2,
    "title": "Our pricing log",
    "text": "At 15:54 the ask book jumped by 40%.",
    "filename": "",
    "content_type": "",
    "size": 0,
    "created_at": "2026-11-23T16:20:00Z",
}
ADD_EVIDENCE = request(
    "Text evidence", {"title": "Our pricing log", "text": "At 15:54 the ask book jumped by 40%."}
)
RESPONSE = {
    "id": 4,
    "division": 5,
    "body": "The ask was genuine.",
    "created_at": "2026-11-24T09:00:00Z",
}
MESSAGE = {
    "id": 9,
    "division": 2,
    "body": "Can we settle this?",
    "created_at": "2026-11-24T10:00:00Z",
}
HISTORY = {
    "id": 77,
    "action": "take",
    "source": "filed",
    "target": "under_review",
    "by": "management",
    "why": "Taken by management.",
    "at": "2026-11-23T17:00:00Z",
}
