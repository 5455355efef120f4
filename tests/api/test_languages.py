"""The API answers in the caller's language: `detail` and the outcome's words follow
`Accept-Language`; `code` stays the same English identifier in every language."""

from decimal import Decimal

import pytest

from tests import factories
from tests.api.conftest import token_client
from tests.factories import ask, bid

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def place(client, round_, headers, **changes):
    body = {"round": round_.pk, "side": "buy", "quantity": 2, "limit": "1.50", **changes}
    return client.post("/api/orders/", body, format="json", **headers)


@pytest.fixture
def open_round(division):
    round_ = factories.open_round()
    factories.funded(division, Decimal("123456.78"))
    return round_


def test_insufficient_funds_reads_in_chinese_with_grouped_amounts_and_the_same_code(
    db, lead, division, open_round
):
    client = token_client(lead)
    english = place(client, open_round, {}, quantity=100_000, limit="5.00")
    chinese = place(client, open_round, ZH, quantity=100_000, limit="5.00")
    assert english.status_code == chinese.status_code == 409
    assert english.json()["code"] == chinese.json()["code"] == "insufficient_funds"
    assert english.json()["detail"] == (
        f"Insufficient funds: {division} has 123,456.78 credits available, needs 500,000.00."
    )
    assert chinese.json()["detail"] == (
        f"资金不足：{division} 可用 123,456.78 积分，需要 500,000.00。"
    )
    assert chinese["Content-Language"] == "zh-hans"


def test_a_validation_error_reads_in_chinese_with_the_same_code_and_fields(db, lead, open_round):
    response = place(token_client(lead), open_round, ZH, limit="1.001")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"limit": ["最多使用 2 位小数。"]}
    assert body["detail"] == "输入无效。limit：最多使用 2 位小数。"


def test_a_state_refusal_reads_in_chinese(db, lead, open_round):
    client = token_client(lead)
    order = place(client, open_round, {}).json()
    client.post(f"/api/orders/{order['id']}/cancel/")
    again = client.post(f"/api/orders/{order['id']}/cancel/", **ZH)
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_state"
    assert again.json()["detail"] == f"订单 {order['id']} 当前状态为：已撤销。"


@pytest.fixture
def cleared(division, other_division, lead, other_lead):
    """`division` bids 6 at 3.00 and `other_division` asks 5 at 2.00: the bid gets 5 of 6."""
    round_ = factories.open_round()
    factories.funded(division, Decimal("1000.00"))
    factories.stocked(other_division, round_.market.asset, 50)
    mine = bid(lead, round_, 6, "3.00")
    ask(other_lead, round_, 5, "2.00")
    factories.close_and_finish(round_)
    return round_, mine


def test_an_orders_outcome_lines_read_in_chinese(cleared, lead):
    round_, mine = cleared
    client = token_client(lead)
    english = client.get(f"/api/orders/{mine.public_id}/").json()["outcome"]
    chinese = client.get(f"/api/orders/{mine.public_id}/", **ZH).json()["outcome"]
    assert chinese["state"] == english["state"] == "partial"
    assert chinese["needed"] == english["needed"]
    assert english["lines"][0].startswith("Your limit 3.00 was the marginal bid")
    assert chinese["lines"][0] == (
        "您的限价 3.00 是边际买单：在该价格上买入的 6 个单位中只有 5 个能够成交。"
    )
    assert chinese["lines"][1].startswith("在其他订单都不变的情况下，")
    assert all(not any(c.isascii() and c.isalpha() for c in line) for line in chinese["lines"])


def test_the_round_result_lines_read_in_chinese(cleared, lead):
    round_, _ = cleared
    result = token_client(lead).get(f"/api/rounds/{round_.pk}/result/", **ZH).json()
    assert result["lines"] == [
        "所有买方和卖方均以 2.50 的价格成交，共 5 个单位。",
        "从 2.00（边际卖单）到 3.00（边际买单）之间的任何价格都能出清这一成交量；出清价格为 2.50。",
    ]
