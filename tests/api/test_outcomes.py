"""Orders and fills in the API carry the explanation the browser's round page shows."""

import html
from decimal import Decimal

import pytest

from market.models import Fill
from tests import factories
from tests.api.conftest import session_client, token_client
from tests.factories import ask, bid


@pytest.fixture
def cleared(division, other_division, lead, other_lead):
    """`division` bids 6 at 3.00 and `other_division` asks 5 at 2.00: the bid gets 5 of 6."""
    round_ = factories.open_round()
    factories.funded(division, Decimal("1000.00"))
    factories.stocked(other_division, round_.market.asset, 50)
    mine = bid(lead, round_, 6, "3.00")
    theirs = ask(other_lead, round_, 5, "2.00")
    factories.close_and_finish(round_)
    return round_, mine, theirs


def test_an_order_carries_the_outcome_the_round_page_shows(cleared, lead):
    round_, mine, _ = cleared
    outcome = token_client(lead).get(f"/api/orders/{mine.public_id}/").json()["outcome"]
    assert outcome["state"] == "partial"
    assert outcome["filled"] == 5
    assert outcome["summary"] == (
        "Bought 5 of 6 at 2.50: paid 12.50 credits; 5.50 of the 18.00 held came back."
    )
    assert outcome["lines"][0] == (
        "Your limit 3.00 was the marginal bid: only 5 of the 6 units bid at that price could trade."
    )
    page = html.unescape(session_client(lead).get(f"/rounds/{round_.pk}/").content.decode())
    for text in [outcome["summary"], *outcome["lines"]]:
        assert text in page


def test_a_fill_carries_its_orders_outcome(cleared, other_lead):
    _, _, theirs = cleared
    fill = Fill.objects.get(order=theirs)
    body = token_client(other_lead).get(f"/api/fills/{fill.public_id}/").json()
    assert body["outcome"]["state"] == "filled"
    assert body["outcome"]["summary"] == "Sold 5 of 5 at 2.50: received 12.50 credits."
    assert body["outcome"]["needed"] is None


def test_the_round_result_lists_only_the_callers_orders_with_outcomes(cleared, lead, other_lead):
    round_, mine, theirs = cleared
    result = token_client(lead).get(f"/api/rounds/{round_.pk}/result/").json()
    assert [order["id"] for order in result["orders"]] == [mine.public_id]
    assert result["orders"][0]["outcome"]["state"] == "partial"
    assert result["lines"] == [
        "5 units traded at 2.50 for every buyer and seller.",
        "Every price from 2.00 (the marginal ask) to 3.00 (the marginal bid) clears the volume; "
        "the clearing price is 2.50.",
    ]
    theirs_seen = token_client(other_lead).get(f"/api/rounds/{round_.pk}/result/").json()
    assert [order["id"] for order in theirs_seen["orders"]] == [theirs.public_id]


def test_management_sees_the_result_without_anyones_orders(cleared, management):
    round_, _, _ = cleared
    result = session_client(management).get(f"/api/rounds/{round_.pk}/result/").json()
    assert result["orders"] == []
    assert result["volume"] == 5


def test_an_open_and_a_cancelled_order_say_so(book, lead):
    client = token_client(lead)
    outcome = client.get(f"/api/orders/{book.order.public_id}/").json()["outcome"]
    assert outcome == {
        "state": "open",
        "filled": 0,
        "needed": None,
        "summary": "Open: sealed until the round closes and clears.",
        "lines": [],
    }
    cancelled = client.post(f"/api/orders/{book.order.public_id}/cancel/").json()["outcome"]
    assert cancelled["summary"] == "Cancelled before the close; its hold was released."


def test_an_unfilled_bid_is_told_the_limit_it_would_have_needed(division, other_division):
    round_ = factories.open_round()
    factories.funded(division, Decimal("1000.00"))
    factories.stocked(other_division, round_.market.asset, 50)
    buyer, seller = factories.lead_of(division), factories.lead_of(other_division)
    low = bid(buyer, round_, 4, "1.00")
    ask(seller, round_, 5, "2.00")
    bid(factories.trader(), round_, 5, "2.20")
    factories.close_and_finish(round_)
    outcome = token_client(buyer).get(f"/api/orders/{low.public_id}/").json()["outcome"]
    assert outcome["state"] == "unfilled"
    assert outcome["summary"] == "Nothing bought; the whole hold came back."
    assert outcome["needed"] is not None
    assert any("would have filled in full" in line for line in outcome["lines"])


def test_the_outcome_is_in_the_readers_language(cleared, lead):
    _, mine, _ = cleared
    client = token_client(lead)
    body = client.get(f"/api/orders/{mine.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["outcome"]["summary"] == (
        "以 2.50 买入 6 中的 5：支付 12.50 积分；冻结的 18.00 中退回 5.50。"
    )
