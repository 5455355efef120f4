"""Dashboard, market page and ledger statement cost a fixed number of queries at any size."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from market.services import orders
from tests import factories
from tests.factories import ask, bid
from tests.web.conftest import next_round

# Ceilings; about five of each are the session, the user, the membership and the layout.
# +1 on every page since the header's bell counts unread notifications (one COUNT); dashboard,
# market and round read rulings on the shown fills in one more query each
BOUNDS = {"dashboard": 15, "market": 16, "ledger": 12, "csv": 8, "round": 10, "orders": 9}


def trade(buyer, seller, market, size):
    """``size`` bids and asks traded over a few rounds, ``size`` more bids left open in a new
    round, and ``size`` more ledger postings from changing one of them."""
    round_ = market.rounds.get(state="open")
    rounds = max(size // 10, 1)
    for _ in range(rounds):
        for i in range(max(size // rounds, 1)):
            bid(buyer, round_, 2, f"{3 + i % 5}.00")
            ask(seller, round_, 1, f"{1 + i % 3}.00")
        factories.close_and_finish(round_)
        round_ = next_round(market)
    for i in range(size):
        bid(buyer, round_, 1, f"{1 + i % 4}.50")
    open_bid = bid(buyer, round_, 1, "1.00")
    for quantity in range(2, size + 2):
        orders.order_change(user=buyer, order_id=open_bid.pk, quantity=quantity)


def page_costs(client, market, django_assert_max_num_queries):
    last = market.rounds.filter(state="settled").order_by("-number").first()
    urls = {
        "dashboard": "/dashboard/",
        "market": f"/markets/{market.slug}/",
        "ledger": "/ledger/",
        "csv": "/ledger/?format=csv",
        "round": f"/rounds/{last.pk}/",
        "orders": "/orders/",
    }
    costs = {}
    for name, url in urls.items():
        with django_assert_max_num_queries(BOUNDS[name]), CaptureQueriesContext(connection) as q:
            response = client.get(url)
            if response.streaming:
                assert len(b"".join(response.streaming_content).splitlines()) > 3
        assert response.status_code == 200
        costs[name] = len(q)
    return costs


@pytest.mark.django_db
def test_pages_cost_the_same_number_of_queries_for_3_and_for_60_orders(
    client, django_assert_max_num_queries
):
    round_ = factories.open_round()
    market = round_.market
    buyer = factories.trader(Decimal("1000000.00"))
    seller = factories.trader(Decimal(0), units=1000, asset=market.asset)
    client.force_login(buyer)
    # given 3 orders, fills and postings of each kind
    trade(buyer, seller, market, 3)
    small = page_costs(client, market, django_assert_max_num_queries)
    # when there are 60 more of each
    trade(buyer, seller, market, 60)
    large = page_costs(client, market, django_assert_max_num_queries)
    # then every page costs exactly what it did
    assert large == small
