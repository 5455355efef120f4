"""What a division lead sees: dashboard, markets, round results, ledger statement."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests import factories
from tests.factories import ask, bid
from tests.web.conftest import next_round


def test_the_dashboard_shows_balances_open_rounds_orders_and_fills(as_user, buyer, seller, round_):
    bid(buyer, round_, 6, "3.00")
    client = as_user(buyer)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="available-credits">982.00<' in page
    assert 'data-testid="held-credits">18.00<' in page
    assert round_.market.name in page
    assert "left</time>" in page
    assert "No fills yet." in page
    # when the round clears against an ask
    ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="available-credits">987.50<' in page
    assert "Bought" in page
    assert "−12.50" in page
    assert "No open orders." in page


def test_an_empty_dashboard_says_what_to_do_next(as_user, lead):
    page = as_user(lead).get("/dashboard/").content.decode()
    assert "No round is open right now." in page
    assert "No GPU-hours or tokens yet." in page
    assert "Pick an open round above and place a bid or an ask" in page


def test_the_markets_list_shows_rules_the_open_round_and_the_last_price(
    as_user, buyer, seller, round_
):
    bid(buyer, round_, 6, "3.00")
    ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    next_round(round_.market)
    page = as_user(buyer).get("/markets/").content.decode()
    assert round_.market.name in page
    assert "Midpoint of the clearing interval" in page
    assert '<span class="badge open">Open</span>' in page
    assert f'<a href="/rounds/{round_.pk}/">2.50</a>' in page


def test_the_market_page_has_rules_schedule_history_and_the_last_curves(
    as_user, buyer, seller, round_
):
    bid(buyer, round_, 6, "3.00")
    ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    nxt = next_round(round_.market)
    page = as_user(buyer).get(f"/markets/{round_.market.slug}/").content.decode()
    assert f"Round {nxt.number}" in page
    assert "Place an order" in page
    assert "Price step</dt><dd>0.01 credits" in page
    assert "Round length</dt><dd>5 minutes" in page
    assert '<script id="history-data" type="application/json">' in page
    assert re.search(r'"price": \[\{"x": \d+, "y": "2.50"\}\]', page)
    assert re.search(r'"volume": \[\{"x": \d+, "y": 5\}\]', page)
    assert '"clearing": {"x": 5, "y": "2.50"}' in page
    assert "vendor/chart.umd.min.js" in page


def test_a_market_without_results_says_the_history_starts_later(as_user, buyer, round_):
    page = as_user(buyer).get(f"/markets/{round_.market.slug}/").content.decode()
    assert "No round of this market has cleared yet" in page
    assert "You have no orders in this round." in page


def test_the_round_result_shows_my_fills_what_i_paid_and_why(as_user, buyer, seller, round_):
    order = bid(buyer, round_, 6, "3.00")
    ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    page = as_user(buyer).get(f"/rounds/{round_.pk}/").content.decode()
    assert "Bought 5 of 6 at 2.50: paid 12.50 credits; 5.50 of the 18.00 held came back." in page
    assert (
        "Your limit 3.00 was the marginal bid: only 5 of the 6 units bid at that price could trade."
        in page
    )
    assert (
        "no bid ahead of the other bids within the round&#x27;s floor and cap "
        "would have filled all 6" in page
    )
    assert f'data-testid="outcome-{order.public_id}"' in page
    seller_page = as_user(seller).get(f"/rounds/{round_.pk}/").content.decode()
    assert "Sold 5 of 5 at 2.50: received 12.50 credits." in seller_page


def test_an_open_round_page_keeps_orders_sealed_and_says_so(as_user, buyer, round_):
    bid(buyer, round_, 6, "3.00")
    page = as_user(buyer).get(f"/rounds/{round_.pk}/").content.decode()
    assert "Orders are sealed until the round clears" in page
    assert "Open: sealed until the round closes and clears." in page


def statement_rows(client, query=""):
    response = client.get(f"/ledger/?format=csv{query}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_statement_runs_available_and_held_balances(as_user, buyer, round_):
    order = bid(buyer, round_, 10, "2.00")
    client = as_user(buyer)
    page = client.get("/ledger/").content.decode()
    assert "Escrow hold" in page
    assert f"Order {order.public_id}" in page
    rows = statement_rows(client)
    assert [
        (
            r["reason"],
            r["available_change"],
            r["held_change"],
            r["available_balance"],
            r["held_balance"],
        )
        for r in rows
    ] == [
        ("hold", "-20.00", "20.00", "980.00", "20.00"),
        ("grant", "1000.00", "0.00", "1000.00", "0.00"),
    ]


def test_filters_narrow_the_rows_but_not_the_balances(as_user, buyer, round_):
    bid(buyer, round_, 10, "2.00")
    factories.funded(buyer.membership.division, Decimal("5.00"))
    client = as_user(buyer)
    rows = statement_rows(client, "&reason=grant")
    assert [(r["available_change"], r["available_balance"]) for r in rows] == [
        ("5.00", "985.00"),
        ("1000.00", "1000.00"),
    ]
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert statement_rows(client, f"&since={tomorrow}") == []
    empty = client.get(f"/ledger/?since={tomorrow}").content.decode()
    assert "No transactions match these filters." in empty


def test_the_statement_pages_fifty_rows_at_a_time(as_user, buyer, round_):
    order = bid(buyer, round_, 1, "1.00")
    from market.services import orders

    for quantity in range(2, 57):  # 55 changes: 56 holds and the grant
        orders.order_change(user=buyer, order_id=order.pk, quantity=quantity)
    client = as_user(buyer)
    first = client.get("/ledger/").content.decode()
    assert "Page 1 of 2 · 57 rows" in first
    second = client.get("/ledger/?page=2").content.decode()
    assert "1,000.00" in second
    assert "Budget grant" in second


def test_the_statement_of_units_shows_the_resource(as_user, seller, round_):
    ask(seller, round_, 5, "2.00")
    client = as_user(seller)
    rows = statement_rows(client, f"&asset={round_.market.asset.code}")
    assert [(r["reason"], r["available_balance"], r["held_balance"]) for r in rows] == [
        ("hold", "45.00", "5.00"),
        ("mint", "50.00", "0.00"),
    ]


def test_the_statement_names_transactions_by_public_id_not_by_sequence(as_user, buyer, round_):
    """A division watching its own transaction ids must not learn how many others posted."""
    from ledger.models import LedgerTransaction

    bid(buyer, round_, 10, "2.00")
    txns = LedgerTransaction.objects.filter(entries__account__division=buyer.membership.division)
    hold = txns.distinct().get(reason="hold")
    client = as_user(buyer)
    rows = statement_rows(client)
    assert rows[0]["transaction"] == str(hold.public_id)
    assert all(r["transaction"] != str(t.pk) for r in rows for t in txns)
    page = client.get("/ledger/").content.decode()
    assert str(hold.public_id)[:8] in page
