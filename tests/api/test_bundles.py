"""Bundles over the API: placed idempotently with strict input, read with legs and outcome,
changed and cancelled only by their own division."""

from datetime import timedelta
from decimal import Decimal

import pytest

from market import tasks
from market.models import Bundle, Round
from market.selectors import division_holdings
from market.services import sessions
from tests import factories
from tests.api.conftest import token_client
from tests.invariants import assert_ledger_reconciles


def credits(division):
    holding = next(h for h in division_holdings(division=division) if h.asset.is_credits)
    return holding.available, holding.held


@pytest.fixture
def session_round(management):
    return factories.open_session_round(management)[0]


@pytest.fixture
def markets(session_round):
    return [r.market for r in Round.objects.filter(session_round=session_round).order_by("pk")]


@pytest.fixture
def agent(lead, division):
    factories.funded(division, Decimal("100.00"))
    return token_client(lead)


def place(client, session_round, markets, key=None, limit="40.00", quantity=10):
    body = {
        "session_round": session_round.pk,
        "limit": limit,
        "legs": [
            {"market": markets[0].pk, "side": "buy", "quantity": quantity},
            {"market": markets[1].pk, "side": "buy", "quantity": 5},
        ],
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/bundles/", body, format="json", **headers)


def test_placing_escrows_the_limit_once_however_often_it_is_retried(
    agent, session_round, markets, division
):
    first = place(agent, session_round, markets, key="k-1")
    again = place(agent, session_round, markets, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    body = first.json()
    assert (body["state"], body["limit"], body["outcome"]) == ("open", "40.00", None)
    assert [(leg["market"], leg["quantity"]) for leg in body["legs"]] == [
        (markets[0].pk, 10),
        (markets[1].pk, 5),
    ]
    assert Bundle.objects.count() == 1
    assert credits(division) == (Decimal("60.00"), Decimal("40.00"))
    assert place(agent, session_round, markets, key="k-1", limit="41.00").status_code == 422


def test_input_is_read_strictly(agent, session_round, markets):
    assert place(agent, session_round, markets, limit=40).json()["errors"] == {
        "limit": ['Send the amount as a decimal string, e.g. "2.35", not as a number.']
    }
    response = place(agent, session_round, markets, quantity="1.5")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["legs.0.quantity"]
    assert Bundle.objects.count() == 0


def test_another_division_can_neither_see_nor_cancel_a_bundle(
    agent, session_round, markets, other_lead
):
    bundle_id = place(agent, session_round, markets).json()["id"]
    other = token_client(other_lead)
    assert other.get(f"/api/bundles/{bundle_id}/").status_code == 404
    assert other.post(f"/api/bundles/{bundle_id}/cancel/").status_code == 404
    assert other.get("/api/bundles/").json()["results"] == []
    assert Bundle.objects.get().state == "open"


def test_change_then_cancel_releases_the_escrow(agent, session_round, markets, division):
    bundle_id = place(agent, session_round, markets).json()["id"]
    changed = agent.patch(f"/api/bundles/{bundle_id}/", {"limit": "25.00"}, format="json")
    assert changed.json()["limit"] == "25.00"
    assert credits(division) == (Decimal("75.00"), Decimal("25.00"))
    assert agent.post(f"/api/bundles/{bundle_id}/cancel/").json()["state"] == "cancelled"
    assert credits(division) == (Decimal("100.00"), 0)
    assert agent.post(f"/api/bundles/{bundle_id}/cancel/").status_code == 409


def test_a_rejected_bundle_tells_which_leg_and_what_limit(agent, session_round, markets):
    for market, units, limit in ((markets[0], 10, "2.00"), (markets[1], 5, "3.00")):
        seller = factories.trader(Decimal(0), units=units, asset=market.asset)
        factories.ask(seller, Round.objects.get(market=market), units, limit)
    bundle_id = place(agent, session_round, markets, limit="30.00").json()["id"]
    later = session_round.closes_at + timedelta(seconds=1)
    sessions.session_rounds_tick(now=later)
    tasks.session_round_finish(session_round.pk)
    outcome = agent.get(f"/api/bundles/{bundle_id}/").json()["outcome"]
    assert outcome["reason"] == "too_expensive"
    assert (outcome["binding_market"], outcome["limit_needed"]) == (markets[0].pk, "35.00")
    assert "A limit of 35.00 would have been accepted" in outcome["sentence"]
    assert_ledger_reconciles()


def test_session_rounds_list_their_markets_rounds(agent, session_round, markets):
    page = agent.get("/api/session-rounds/?state=open").json()
    assert [r["id"] for r in page["results"]] == [session_round.pk]
    assert {r["market"] for r in page["results"][0]["rounds"]} == {m.pk for m in markets}


def test_a_division_trades_with_itself_neither_by_order_nor_by_bundle(
    agent, session_round, markets, division
):
    # given: a bundle buying in both markets
    public_id = place(agent, session_round, markets).json()["id"]
    gpu_round = Round.objects.get(session_round=session_round, market=markets[0])
    ask = {"round": gpu_round.pk, "side": "sell", "quantity": 1, "limit": "1.00"}
    # when: an ask in one of its rounds, in English and in Chinese
    refused = agent.post("/api/orders/", ask, format="json")
    chinese = agent.post("/api/orders/", ask, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    text = (
        f"{division} already has an open bundle ({public_id}) with a buy leg in this round; "
        "a division cannot trade with itself."
    )
    assert refused.status_code == 400
    assert refused.json() == {"detail": text, "code": "refused", "errors": {"side": [text]}}
    assert chinese.status_code == 400
    assert chinese.json()["detail"] == (
        f"{division} 在本轮已有未成交的组合订单（{public_id}），其中有买入腿；"
        "事业部不能与自己交易。"
    )
    # and a second bundle selling in that market
    body = {
        "session_round": session_round.pk,
        "limit": "-1.00",
        "legs": [{"market": markets[0].pk, "side": "sell", "quantity": 1}],
    }
    second = agent.post("/api/bundles/", body, format="json")
    text = (
        f"Leg 1: {division} has an open bundle ({public_id}) on the other side in "
        f"{markets[0]}; a division cannot trade with itself."
    )
    assert second.status_code == 400
    assert second.json() == {"detail": text, "code": "refused", "errors": {"legs.0.side": [text]}}
    assert Bundle.objects.count() == 1
    assert credits(division) == (Decimal("60.00"), Decimal("40.00"))
