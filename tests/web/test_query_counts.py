"""Dashboard, market page and ledger statement cost a fixed number of queries at any size."""

from decimal import Decimal

import pytest

from market.services import orders
from tests import factories
from tests.factories import ask, bid
from tests.web.conftest import next_round

# Fixed bounds, the same for 3 and for 60 orders, fills and ledger entries per page.
# Measured: session, user, membership, division and groups are five of them on every page.
BOUNDS = {"/dashboard/": 11, "market": 11, "/ledger/": 9, "csv": 6, "round": 6, "/orders/": 6}


@pytest.fixture(params=[3, 60], ids=["3-orders", "60-orders"])
def busy(request, db):
    """A buyer and a seller who traded ``size`` orders each over several rounds, with ``size``
    more bids open now, and ``size`` extra ledger postings from changing an order."""
    size = request.param
    round_ = factories.open_round()
    market = round_.market
    buyer = factories.trader(Decimal("1000000.00"))
    seller = factories.trader(Decimal(0), units=10 * size, asset=market.asset)
    rounds = max(size // 10, 1)
    per_round = max(size // rounds, 1)
    for _ in range(rounds):
        for i in range(per_round):
            bid(buyer, round_, 2, f"{3 + i % 5}.00")
            ask(seller, round_, 1, f"{1 + i % 3}.00")
        factories.close_and_finish(round_)
        round_ = next_round(market)
    for i in range(size):
        bid(buyer, round_, 1, f"{1 + i % 4}.50")
    open_bid = bid(buyer, round_, 1, "1.00")
    for quantity in range(2, size + 2):
        orders.order_change(user=buyer, order_id=open_bid.pk, quantity=quantity)
    return buyer, market, round_


def test_pages_cost_the_same_number_of_queries_at_any_size(
    client, busy, django_assert_max_num_queries
):
    buyer, market, round_ = busy
    client.force_login(buyer)
    last = market.rounds.filter(state="settled").last()
    urls = {
        "/dashboard/": "/dashboard/",
        "market": f"/markets/{market.slug}/",
        "/ledger/": "/ledger/",
        "round": f"/rounds/{last.pk}/",
        "/orders/": "/orders/",
        "csv": "/ledger/?format=csv",
    }
    for name, url in urls.items():
        with django_assert_max_num_queries(BOUNDS[name]):
            response = client.get(url)
            if response.streaming:
                assert len(b"".join(response.streaming_content).splitlines()) > 3
        assert response.status_code == 200
