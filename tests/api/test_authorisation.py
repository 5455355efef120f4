"""Every endpoint × every role, with the exact status each gets (signed in by session).

Roles: anonymous, a member of the owning division (no trade rights), the owning division's
lead, another division's lead, management, an auditor. "Owning" is the division whose order,
fill or ledger the request is about; lists show each user what they may see.
"""

import pytest
from rest_framework.test import APIClient

from tests import factories
from tests.api.conftest import session_client

ROLES = ["anonymous", "member", "lead", "other_lead", "management", "auditor"]
READ_ALL = (401, 200, 200, 200, 200, 200)
OWN_OR_STAFF = (401, 200, 200, 404, 200, 200)  # sealed: another division gets a 404
TRADE_OWN = (401, 403, 200, 404, 403, 403)  # only the owning division's lead changes it
PLACE = {"round": "{current}", "side": "buy", "quantity": 1, "limit": "1.00"}
FILE = {
    "fill": "{fill}",
    "subject": "fill",
    "category": "pricing",
    "claimed_remedy": "compensation",
    "claimed_amount": "1.00",
    "statement": "s",
}
EVIDENCE = {"title": "t", "text": "x"}

MATRIX = [
    ("get", "/api/markets/", None, READ_ALL),
    ("get", "/api/markets/{market}/", None, READ_ALL),
    ("get", "/api/rounds/", None, READ_ALL),
    ("get", "/api/rounds/{current}/", None, READ_ALL),
    ("get", "/api/rounds/{settled}/result/", None, READ_ALL),
    ("get", "/api/rounds/{current}/result/", None, (401, 409, 409, 409, 409, 409)),
    ("get", "/api/orders/", None, READ_ALL),
    ("get", "/api/orders/{order}/", None, OWN_OR_STAFF),
    ("post", "/api/orders/", PLACE, (401, 403, 201, 201, 403, 403)),
    ("patch", "/api/orders/{order}/", {"quantity": 6}, TRADE_OWN),
    ("post", "/api/orders/{order}/cancel/", None, TRADE_OWN),
    ("get", "/api/fills/", None, READ_ALL),
    ("get", "/api/fills/{fill}/", None, OWN_OR_STAFF),
    ("get", "/api/ledger/", None, READ_ALL),
    ("get", "/api/holdings/", None, READ_ALL),
    ("get", "/api/me/", None, READ_ALL),
    ("get", "/api/disputes/", None, READ_ALL),
    ("get", "/api/disputes/{dispute}/", None, READ_ALL),  # the other lead is the counterparty
    ("post", "/api/disputes/", FILE, (401, 403, 201, 403, 403, 403)),
    ("post", "/api/disputes/{dispute}/evidence/", EVIDENCE, (401, 403, 201, 201, 201, 403)),
    ("post", "/api/disputes/{dispute}/respond/", {"body": "b"}, (401, 403, 403, 201, 403, 403)),
    ("post", "/api/disputes/{dispute}/messages/", {"body": "b"}, (401, 403, 201, 201, 201, 403)),
    ("post", "/api/disputes/{dispute}/appeal/", {"why": "w"}, (401, 403, 409, 409, 403, 403)),
    ("post", "/api/disputes/{dispute}/withdraw/", {}, (401, 403, 200, 403, 403, 403)),
    ("get", "/api/disputes/{dispute}/history/", None, READ_ALL),
    ("get", "/api/events/", None, READ_ALL),
    ("get", "/api/webhooks/", None, READ_ALL),
    (
        "post",
        "/api/webhooks/",
        {"url": "https://bots.example.com/x"},
        (401, 403, 201, 201, 403, 403),
    ),
    ("get", "/api/schema/", None, (200,) * 6),
    ("get", "/api/docs/", None, (200,) * 6),
    ("get", "/api/tokens/", None, (302, 200, 200, 200, 200, 200)),
    ("get", "/api/nowhere/", None, (404,) * 6),
]
CASES = [
    pytest.param(method, url, body, role, expected, id=f"{method} {url} as {role}")
    for method, url, body, statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.fixture
def people(member, lead, other_lead, management, auditor):
    return {
        "anonymous": None,
        "member": member,
        "lead": lead,
        "other_lead": other_lead,
        "management": management,
        "auditor": auditor,
    }


def _fill_in(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {key: _fill_in(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("method", "url", "body", "role", "expected"), CASES)
def test_each_role_gets_exactly_its_status(
    request, book, people, method, url, body, role, expected
):
    ids = {
        "dispute": request.getfixturevalue("dispute").pk if "{dispute}" in url else None,
        "market": book.market.pk,
        "current": book.current.pk,
        "settled": book.settled.pk,
        "order": book.order.public_id,
        "fill": book.fill.public_id,
    }
    client = session_client(people[role])
    response = getattr(client, method)(_fill_in(url, ids), _fill_in(body, ids), format="json")
    assert response.status_code == expected, response.content[:300]


def test_a_refusal_says_why(book, member, management):
    placed = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    response = session_client(member).post("/api/orders/", placed, format="json")
    assert response.json()["detail"].endswith("without trade rights; ask your lead.")
    assert response.json()["code"] == "forbidden"
    response = session_client(management).post("/api/orders/", placed, format="json")
    assert response.json()["detail"].startswith("Only a division's lead")


def test_anonymous_is_told_how_to_authenticate(db):
    response = session_client(None).get("/api/orders/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_a_member_with_trade_rights_places_orders(book, division):
    trusted = factories.member_of(division, may_trade=True)
    placed = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    response = session_client(trusted).post("/api/orders/", placed, format="json")
    assert response.status_code == 201
    assert response.json()["division"] == division.pk


def test_a_division_outside_a_dispute_does_not_see_it(dispute, lead):
    outsider = factories.lead_of(factories.DivisionFactory())
    client = session_client(outsider)
    assert client.get(f"/api/disputes/{dispute.pk}/").status_code == 404
    assert client.get("/api/disputes/").json()["count"] == 0
    mine = session_client(lead).get(f"/api/disputes/{dispute.pk}/").json()
    assert (mine["state"], mine["claimed_amount"]) == ("filed", "3.00")
    assert [p["role"] for p in mine["parties"]] == ["counterparty", "filer"]


def test_a_browser_session_writes_only_with_its_csrf_token(book, lead):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lead)
    placed = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    refused = client.post("/api/orders/", placed, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF Failed")
    client.get("/api/tokens/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    placed_ok = client.post("/api/orders/", placed, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert placed_ok.status_code == 201
