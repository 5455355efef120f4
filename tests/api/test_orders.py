"""Orders over the API: the same services as the browser, idempotent placement, sealed bids."""

from decimal import Decimal

import pytest

from market.models import IdempotencyRecord, Order
from market.selectors import division_holdings
from tests import factories
from tests.api.conftest import session_client, token_client
from tests.invariants import assert_ledger_reconciles


def credits(division):
    holding = next(h for h in division_holdings(division=division) if h.asset.is_credits)
    return holding.available, holding.held


@pytest.fixture
def agent(book, lead):
    return token_client(lead)


def place(client, round_, key=None, **changes):
    body = {"round": round_.pk, "side": "buy", "quantity": 2, "limit": "1.50", **changes}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/orders/", body, format="json", **headers)


def test_placing_a_bid_escrows_its_cost(agent, book, division):
    before = credits(division)
    response = place(agent, book.current)
    assert response.status_code == 201
    assert response.json()["state"] == "open"
    assert response.json()["limit"] == "1.50"
    assert credits(division) == (before[0] - Decimal("3.00"), before[1] + Decimal("3.00"))


def test_a_retry_with_the_same_key_places_nothing_new(agent, book, division):
    # given
    first = place(agent, book.current, key="bid-7f3a")
    held = credits(division)
    # when
    retry = place(agent, book.current, key="bid-7f3a")
    # then
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Order.objects.filter(round=book.current, limit=Decimal("1.50")).count() == 1
    assert credits(division) == held


def test_the_same_key_with_a_different_body_is_refused(agent, book):
    place(agent, book.current, key="bid-7f3a")
    response = place(agent, book.current, key="bid-7f3a", quantity=3)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "already used for a different request" in response.json()["detail"]
    assert not Order.objects.filter(quantity=3).exists()


def test_key_order_and_spacing_of_the_body_do_not_matter(agent, book):
    body = f'{{"limit": "1.50", "quantity": 2, "side": "buy", "round": {book.current.pk}}}'
    first = agent.post(
        "/api/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    again = agent.post(
        "/api/orders/",
        body.replace(", ", ",   "),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]


def test_keys_belong_to_their_user(agent, book, division):
    colleague = token_client(factories.member_of(division, may_trade=True))
    first = place(agent, book.current, key="shared")
    second = place(colleague, book.current, key="shared")
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]


def test_the_kept_response_is_the_one_sent(agent, book):
    first = place(agent, book.current, key="kept-1")
    record = IdempotencyRecord.objects.get(key="kept-1")
    assert (record.status, record.body) == (201, first.json())


def test_a_refusal_is_replayed_too(agent, book, division):
    # given: a bid the division cannot afford, sent with a key
    refused = place(agent, book.current, key="big", quantity=1000, limit="10.00")
    assert refused.status_code == 409
    factories.funded(division, Decimal("100000.00"))
    # when: the same request is retried after the budget arrived
    retry = place(agent, book.current, key="big", quantity=1000, limit="10.00")
    # then: it gets the first answer; a new key places it
    assert retry.status_code == 409
    assert retry.json() == refused.json()
    assert place(agent, book.current, key="big-2", quantity=1000, limit="10.00").status_code == 201


def test_a_malformed_key_is_a_400(agent, book):
    response = place(agent, book.current, key="x" * 256)
    assert response.status_code == 400
    assert response.json()["errors"]["Idempotency-Key"] == [
        "Use 1 to 255 printable ASCII characters, e.g. a UUID."
    ]
    assert not IdempotencyRecord.objects.exists()


def test_invalid_input_is_a_400_with_per_field_errors(agent, book):
    response = place(agent, book.current, side="hold", quantity=0, limit="1.001")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {
        "side": ['"hold" is not a valid choice.'],
        "quantity": ["Quantity must be at least 1 unit."],
        "limit": ["Use at most 2 decimal places."],
    }
    assert body["detail"] == 'Invalid input. side: "hold" is not a valid choice.'


@pytest.mark.parametrize(
    ("changes", "status", "fields", "detail"),
    [
        ({"limit": "1.005"}, 400, ["limit"], "Invalid input. limit: Use at most 2 decimal places."),
        ({"round": 999999}, 400, ["round"], "There is no round 999999."),
        ({"quantity": 10**6, "limit": "5.00"}, 409, [], "Insufficient funds: Division"),
    ],
)
def test_refusals_keep_their_status_and_field(agent, book, changes, status, fields, detail):
    response = place(agent, book.current, **changes)
    assert response.status_code == status
    assert response.json()["detail"].startswith(detail)
    assert list(response.json()["errors"]) == fields


def test_off_the_tick_grid_is_refused_in_the_markets_words(db, lead, division):
    round_ = factories.open_round(factories.MarketFactory(tick=Decimal("0.25")))
    factories.funded(division, Decimal("100.00"))
    response = place(token_client(lead), round_, limit="1.10")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Price 1.10 is not on the tick grid: use a multiple of 0.25.",
        "code": "refused",
        "errors": {"limit": ["Price 1.10 is not on the tick grid: use a multiple of 0.25."]},
    }


def test_malformed_json_is_a_400_not_a_500(agent, db):
    response = agent.post("/api/orders/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    response = agent.post("/api/orders/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_changing_and_cancelling_move_the_escrow(agent, book, division):
    before = credits(division)
    changed = agent.patch(f"/api/orders/{book.order.public_id}/", {"quantity": 7}, format="json")
    assert changed.status_code == 200
    assert changed.json()["quantity"] == 7
    assert credits(division) == (before[0] - Decimal("5.00"), before[1] + Decimal("5.00"))
    cancelled = agent.post(f"/api/orders/{book.order.public_id}/cancel/")
    assert cancelled.json()["state"] == "cancelled"
    again = agent.post(f"/api/orders/{book.order.public_id}/cancel/")
    assert again.status_code == 409
    assert again.json()["detail"] == f"Order {book.order.public_id} is cancelled."


def test_a_change_with_nothing_to_change_is_a_400(agent, book):
    response = agent.patch(f"/api/orders/{book.order.public_id}/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Give a new quantity or a new price to change the order."


def test_no_order_after_the_round_closes(agent, book):
    factories.close_and_finish(book.current)
    response = place(agent, book.current)
    assert response.status_code == 409
    assert "is not open for orders" in response.json()["detail"]


def test_sealed_bids_another_division_never_sees_our_orders(book, other_lead, management):
    # given: an open round with our bid; the other lead has a bid of their own
    other = token_client(other_lead)
    assert place(other, book.current).status_code == 201
    # then: before clearing they see only their own
    listed = other.get("/api/orders/", {"round": book.current.pk}).json()["results"]
    assert {o["division"] for o in listed} == {other_lead.membership.division_id}
    assert other.get(f"/api/orders/{book.order.public_id}/").status_code == 404
    patched = other.patch(f"/api/orders/{book.order.public_id}/", {"quantity": 1}, format="json")
    assert patched.status_code == 404
    # and: after clearing, still only the aggregate is public
    factories.close_and_finish(book.current)
    assert other.get(f"/api/orders/{book.order.public_id}/").status_code == 404
    fills = other.get("/api/fills/", {"round": book.settled.pk}).json()["results"]
    assert [f["id"] for f in fills] == [book.other_fill.public_id]
    result = other.get(f"/api/rounds/{book.settled.pk}/result/").json()
    assert set(result) == {
        "round",
        "market",
        "number",
        "state",
        "rule",
        "price",
        "price_low",
        "price_high",
        "volume",
        "demand",
        "supply",
        "cleared_at",
        "settled_at",
        "lines",
        "orders",
    }
    assert [o["division"] for o in result["orders"]] == [other_lead.membership.division_id]
    # while management and auditors see every division's orders
    seen = session_client(management).get("/api/orders/", {"round": book.current.pk}).json()
    assert seen["count"] == 2


def test_the_round_result_gives_price_volume_and_curves(agent, book):
    result = agent.get(f"/api/rounds/{book.settled.pk}/result/").json()
    assert (result["price"], result["price_low"], result["price_high"]) == ("2.50", "2.00", "3.00")
    assert result["volume"] == 10
    assert result["demand"] == [{"price": "3.00", "units": 10}]
    assert result["supply"] == [{"price": "2.00", "units": 10}]
    early = agent.get(f"/api/rounds/{book.current.pk}/result/")
    assert early.status_code == 409
    assert "its result is published once it clears" in early.json()["detail"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_place_one_order(division, lead):
    import threading

    from django.db import connections

    # given: 8 copies of one request, sent at once with the same key
    round_ = factories.open_round()
    factories.funded(division, Decimal("100.00"))
    client_headers = token_client(lead)._credentials
    barrier = threading.Barrier(8)
    statuses, ids = [], set()

    def send():
        try:
            client = session_client(None)
            client.credentials(**client_headers)
            barrier.wait()
            response = place(client, round_, key="once")
            statuses.append(response.status_code)
            ids.add(response.json().get("id"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then: every one got the same order back, and only one was placed
    assert statuses == [201] * 8
    assert len(ids) == 1
    assert Order.objects.filter(round=round_).count() == 1
    assert credits(division) == (Decimal("97.00"), Decimal("3.00"))
    assert_ledger_reconciles()


def test_placing_an_order_takes_a_fixed_handful_of_statements(
    agent, book, django_assert_num_queries
):
    """Orders per second depend on it (bench/load.py): token, membership, round with its
    market, the division's position limit in it (a bid), the order with its self-trade check,
    the two accounts with their balances, the hold (the transaction, its entries and the
    balances in one statement), the idempotency record; and the savepoints. No statement reads
    the accounts' history (14 when the hold summed it)."""
    place(agent, book.current, key="warm-up")  # the token's last use is noted once a minute
    with django_assert_num_queries(12):
        assert place(agent, book.current, key="counted").status_code == 201


def test_a_placed_order_is_answered_as_a_read_would_show_it(agent, book):
    first = place(agent, book.current, key="shown-1")
    second = place(agent, book.current, key="shown-2", quantity=5, limit="1.75")
    for response in (first, second):
        assert response.status_code == 201
        assert agent.get(f"/api/orders/{response.json()['id']}/").json() == response.json()
    assert (second.json()["quantity"], second.json()["limit"]) == (5, "1.75")
