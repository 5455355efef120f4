"""Reads over the API: ledger statement with running balances, holdings, lists and filters."""

from decimal import Decimal
from uuid import UUID

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from ledger.models import LedgerTransaction
from market.models import Fill
from market.selectors import division_holdings
from tests import factories
from tests.api.conftest import file_dispute, session_client, token_client


@pytest.fixture
def agent(book, lead):
    return token_client(lead, scopes=["read"])


def test_the_statement_gives_each_entry_with_its_balance_after(agent, book, division):
    rows = agent.get("/api/ledger/", {"asset": "credits", "account": "available"}).json()
    amounts = [Decimal(row["amount"]) for row in reversed(rows["results"])]
    balances = [Decimal(row["balance"]) for row in reversed(rows["results"])]
    running = [sum(amounts[: i + 1]) for i in range(len(amounts))]
    assert balances == running
    assert rows["results"][0]["balance"] == "962.50"  # 1000 granted, 25 paid, 12.50 held
    assert {row["division"] for row in rows["results"]} == {division.pk}
    # transactions by their public ids, entries by none: a sequence would count others' postings
    public = set(LedgerTransaction.objects.values_list("public_id", flat=True))
    assert {UUID(row["transaction"]) for row in rows["results"]} <= public
    assert "id" not in rows["results"][0]


def test_a_filtered_statement_keeps_true_balances(agent, book):
    rows = agent.get("/api/ledger/", {"reason": "hold", "account": "available"}).json()["results"]
    assert [(row["amount"], row["balance"]) for row in rows] == [
        ("-12.50", "962.50"),
        ("-30.00", "970.00"),
    ]
    assert rows[0]["reference"] == f"order:{book.order.public_id}"


def test_the_statement_filters_by_time(agent, book):
    rows = agent.get("/api/ledger/", {"since": "2999-01-01T00:00:00Z"}).json()
    assert rows["count"] == 0
    odd_offset = agent.get("/api/ledger/", {"since": "0431-05-13T06:19:09+18:54"})
    assert odd_offset.status_code == 200  # PostgreSQL refuses such offsets: sent as UTC
    bad = agent.get("/api/ledger/", {"since": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"since": ["Enter a valid date/time."]}


def test_holdings_match_the_ledger(agent, book, division):
    rows = agent.get("/api/holdings/").json()["results"]
    expected = {
        h.asset.code: (str(h.available), str(h.held)) for h in division_holdings(division=division)
    }
    assert {row["asset"]: (row["available"], row["held"]) for row in rows} == expected
    credits = next(row for row in rows if row["asset"] == "credits")
    assert credits == {
        "division": division.pk,
        "division_name": division.name,
        "asset": "credits",
        "asset_name": "Credits",
        "unit": "credits",
        "available": "962.50",
        "held": "12.50",
        "total": "975.00",
    }


def test_management_sees_every_divisions_holdings(book, management, division, other_division):
    client = session_client(management)
    everyone = client.get("/api/holdings/").json()["results"]
    assert {row["division"] for row in everyone} == {division.pk, other_division.pk}
    one = client.get("/api/holdings/", {"division": other_division.pk}).json()["results"]
    assert {row["division"] for row in one} == {other_division.pk}
    assert client.get("/api/holdings/", {"division": "x"}).status_code == 400


def test_a_lead_cannot_peek_at_another_divisions_holdings(agent, book, other_division):
    rows = agent.get("/api/holdings/", {"division": other_division.pk}).json()
    assert rows["count"] == 0


def test_markets_show_their_upcoming_round(agent, book):
    market = agent.get(f"/api/markets/{book.market.pk}/").json()
    assert market["upcoming_round"]["id"] == book.current.pk
    assert market["upcoming_round"]["state"] == "open"
    assert agent.get("/api/markets/", {"halted": "true"}).json()["count"] == 0


def test_rounds_filter_by_market_and_state(agent, book):
    settled = agent.get("/api/rounds/", {"market": book.market.pk, "state": "settled"}).json()
    assert [r["id"] for r in settled["results"]] == [book.settled.pk]
    assert settled["results"][0]["price"] == "2.50"
    unknown = agent.get("/api/rounds/", {"market": 999999})
    assert unknown.status_code == 400
    assert "market" in unknown.json()["errors"]


def test_orders_filter_by_state_and_side(agent, book):
    filled = agent.get("/api/orders/", {"state": "filled"}).json()["results"]
    assert [o["fill"] for o in filled] == [{"quantity": 10, "price": "2.50", "amount": "25.00"}]
    assert agent.get("/api/orders/", {"side": "sell"}).json()["count"] == 0
    standing = agent.get("/api/orders/", {"state": "open"}).json()["results"]
    assert [o["id"] for o in standing] == [book.order.public_id]


def test_lists_are_paged(agent, book, lead):
    for _ in range(3):
        factories.bid(lead, book.current, 1, "0.10")
    first = agent.get("/api/orders/", {"page_size": 2}).json()
    assert (first["count"], len(first["results"])) == (5, 2)
    assert "page=2" in first["next"]
    past_the_end = agent.get("/api/orders/", {"page": 9})
    assert past_the_end.status_code == 404
    assert past_the_end.json()["code"] == "not_found"


def test_me_tells_an_auditor_what_they_are(auditor):
    me = session_client(auditor).get("/api/me/").json()
    assert me == {
        "username": auditor.username,
        "division": None,
        "role": None,
        "may_trade": False,
        "management": False,
        "auditor": True,
        "token": None,
    }


def test_an_unknown_address_answers_in_json(agent):
    response = agent.get("/api/market")
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "There is no API endpoint at /api/market. Did you mean /api/market/? See /api/docs/."
    )


def test_requests_past_the_rate_limit_get_429_with_retry_after(agent, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "token": "3/minute", "trade": "1/minute"},
    }
    statuses = [agent.get("/api/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = agent.get("/api/me/")
    assert throttled.json()["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_the_rate_limit_is_per_token(book, lead, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "token": "2/minute", "trade": "1/minute"},
    }
    first, second = token_client(lead, ["read"]), token_client(lead, ["read"])
    assert [first.get("/api/me/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/me/").status_code == 200


def test_order_writes_have_their_own_tighter_limit(book, lead, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "9/minute", "token": "9/minute", "trade": "1/minute"},
    }
    client = token_client(lead)
    body = {"round": book.current.pk, "side": "buy", "quantity": 1, "limit": "1.00"}
    assert client.post("/api/orders/", body, format="json").status_code == 201
    assert client.post("/api/orders/", body, format="json").status_code == 429
    assert client.get("/api/orders/").status_code == 200


@override_settings(DEBUG=False)
def test_the_docs_are_served_from_local_static_files(api, db):
    page = api.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["openapi"].startswith("3.")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 15
    for operation in operations:
        assert operation["description"], operation["operationId"]
        assert {"401", "403", "429"} <= set(operation["responses"]), operation["operationId"]
        examples = [
            media.get("examples")
            for response in operation["responses"].values()
            for media in response.get("content", {}).values()
        ]
        assert any(examples), operation["operationId"]


LISTS = ["/api/markets/", "/api/rounds/", "/api/orders/", "/api/fills/", "/api/ledger/"]


def _settled_trade(lead, other_lead):
    round_ = factories.open_round()
    factories.stocked(other_lead.membership.division, round_.market.asset, 10)
    bought = factories.bid(lead, round_, 2, "1.00")
    factories.ask(other_lead, round_, 2, "1.00")
    factories.close_and_finish(round_)
    return Fill.objects.get(order=bought)


@pytest.mark.parametrize("url", [*LISTS, "/api/holdings/", "/api/disputes/"])
def test_a_list_costs_the_same_queries_however_long(request, book, lead, other_lead, url):
    client = session_client(lead)
    disputes = "disputes" in url
    if disputes:
        request.getfixturevalue("dispute")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):  # more markets, rounds, orders, fills, ledger entries and disputes
        fill = _settled_trade(lead, other_lead)
        if disputes:
            file_dispute(lead, fill)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.json()["count"] >= 4
    assert len(many.captured_queries) == len(few.captured_queries)
