"""The API reads numbers strictly (market.parsing) and answers every bad body in its JSON shape."""

import json

import pytest

from market.models import Order
from tests.api.conftest import token_client


@pytest.fixture
def agent(book, lead):
    return token_client(lead)


def place(client, round_, **changes):
    body = {"round": round_.pk, "side": "buy", "quantity": 2, "limit": "1.50", **changes}
    return client.post("/api/orders/", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "1.0", "Units are a whole number written with the digits 0-9"),
        ("quantity", 1.0, "Send a whole number of units"),
        ("quantity", "١٢", "Units are a whole number written with the digits 0-9"),
        ("quantity", "１２", "Units are a whole number written with the digits 0-9"),
        ("quantity", True, "Send a whole number of units"),
        ("limit", 1.5, 'Send the amount as a decimal string, e.g. "2.35", not as a number.'),
        ("limit", 2, 'Send the amount as a decimal string, e.g. "2.35", not as a number.'),
        ("limit", "１.５０", "Write an amount with the digits 0-9"),
        ("limit", "1e2", "Write an amount with the digits 0-9"),
        ("limit", "NaN", "Write an amount with the digits 0-9"),
        ("limit", "9" * 29, "larger than any market allows"),
        ("limit", "2.005", "Use at most 2 decimal places."),
        ("limit", "-1.00", "cannot be negative"),
    ],
)
def test_lenient_numbers_are_refused_with_a_message(agent, book, field, value, message):
    response = place(agent, book.current, **{field: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert message in body["errors"][field][0]
    assert Order.objects.filter(round=book.current).count() == 1  # only the book's own bid


def test_minus_zero_is_read_as_zero(agent, book):
    response = place(agent, book.current, limit="-0")
    assert response.status_code == 201, response.content
    assert response.json()["limit"] == "0.00"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("[" * 1000 + "]" * 1000, "application/json", 400, "parse_error"),
        ('{"a":' * 5000 + "1" + "}" * 5000, "application/json", 400, "parse_error"),
        (
            "quantity=2&limit=1.50",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        ("not json at all", "text/plain", 415, "unsupported_media_type"),
        ("\xff\xfe{", "application/json", 400, "parse_error"),
    ],
)
def test_bad_bodies_are_json_4xx(agent, db, body, content_type, status, code):
    response = agent.post("/api/orders/", body, content_type=content_type)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert set(response.json()) == {"detail", "code", "errors"}


def test_a_body_too_large_is_a_json_413(agent, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"round": 1, "side": "buy", "quantity": 2, "limit": "1.50", "x": "a" * 2000})
    response = agent.post("/api/orders/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert set(response.json()) == {"detail", "code", "errors"}
