"""The trader's pages read in 简体中文: a lead whose browser asks for Chinese meets no English
sentence on the dashboard, markets, a market with its order form, orders, a round, an order,
the ledger statement or the token page; flash messages, form errors and the countdown's
JavaScript words are Chinese too. Names (divisions, markets, assets), ids and codes stay as
they are."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.utils import translation

from ledger.models import Asset, LedgerTransaction
from market.models import ClearingRule, Order, Round, Scope, Side
from market.services import rounds
from tests import factories

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
# Words a Chinese page may still show: product and unit names, codes, the language switch.
ALLOWED = {"Tokenhub", "English", "UTC", "CSV", "API", "GPU", "H100", "read", "trade", "meter"}


@pytest.fixture
def scene(db):
    """A market whose round 1 cleared (the lead bought 4 at 2.00) and whose round 2 is open
    with one open bid of the lead's."""
    round1 = factories.open_round()
    market = round1.market
    lead = factories.trader(Decimal("1000.00"))
    seller = factories.trader(Decimal("0"), units=50, asset=market.asset)
    factories.bid(lead, round1, 4, Decimal("2.50"))
    factories.ask(seller, round1, 4, Decimal("2.00"))
    factories.close_and_finish(round1)
    round2 = rounds.round_schedule_next(market_id=market.pk)
    assert rounds.round_open(round_id=round2.pk, now=round2.opens_at)
    round2.refresh_from_db()
    order = factories.bid(lead, round2, 3, Decimal("1.50"))
    return {"lead": lead, "market": market, "round1": round1, "round2": round2, "order": order}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", unescape(html))


def model_labels() -> list[str]:
    """Choices the models translate (their catalogue entries are another part's)."""
    choices = [ClearingRule, Round.State, Order.State, Side, Scope, Asset.Kind]
    choices.append(LedgerTransaction.Reason)
    with translation.override("zh-hans"):
        return [str(label) for c in choices for label in c.labels]


def english_left(html: str, *names: str) -> list[str]:
    """English words in the page's visible text once the given names, the models' choice
    labels and public ids are taken out."""
    text = visible_text(html)
    for name in sorted([*names, *model_labels()], key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"\b[0-9a-z]{16}\b", " ", text)  # public ids
    words = re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text)
    return sorted({w for w in words if w not in ALLOWED})


def get_zh(client, url):
    response = client.get(url, **ZH)
    assert response.status_code == 200, url
    assert response["Content-Language"] == "zh-hans"
    return response.content.decode()


def names_of(scene):
    lead, market = scene["lead"], scene["market"]
    division = lead.membership.division
    return (
        division.name,
        market.name,
        market.asset.name,
        market.asset.unit,
        market.asset.pool,
        market.asset.gpu_type,
        lead.username,
        scene["order"].public_id,
        market.get_rule_display(),  # choices belong to the models (another catalogue's part)
    )


def test_the_dashboard_market_and_order_form_read_in_chinese(client, scene):
    client.force_login(scene["lead"])
    names = names_of(scene)

    dashboard = get_zh(client, "/dashboard/")
    for text in ("可用积分", "托管冻结", "你的未成交订单", "最近成交", "持仓", "进行中的轮次"):
        assert text in dashboard
    assert "剩余" in dashboard  # the countdown, server side

    market = get_zh(client, f"/markets/{scene['market'].slug}/")
    for text in ("下单", "规则与时间表", "每单位 ", "预览冻结", "输入数量和限价", "价格与成交量"):
        assert text in market, text
    assert "第 1 轮以每单位 <b>2.25</b> 积分出清" in market

    place = get_zh(client, f"/rounds/{scene['round2'].pk}/orders/new/")
    assert "订单是密封的" in place
    assert "买单的最高价，卖单的最低价" in place

    for page in (dashboard, market, place):
        assert english_left(page, *names) == []


def test_orders_round_order_and_ledger_read_in_chinese(client, scene):
    client.force_login(scene["lead"])
    names = names_of(scene)
    order = scene["order"].public_id
    pages = {
        "/orders/": ("订单", "按状态筛选", "成交", "支付 / 收到"),
        f"/orders/{order}/": ("未成交时冻结", "结果", "每单位 1.50 积分"),
        f"/orders/{order}/change/": ("修改订单", "修改后，该订单将排在同价位其他订单之后。"),
        f"/orders/{order}/cancel/": ("撤单将释放其冻结的 4.50 积分。", "保留"),
        "/markets/": ("每个市场交易一种资源", "当前轮次", "最新价格"),
        "/api/tokens/": ("创建令牌", "你还没有令牌。"),
    }
    for url, expected in pages.items():
        page = get_zh(client, url)
        for text in expected:
            assert text in page, (url, text)
        left = english_left(page, *names)
        assert left == [], (url, left)
    # the round's explanation lines and the ledger's memos are the services' words: here only
    # the page's own
    round_page = get_zh(client, f"/rounds/{scene['round1'].pk}/")
    for text in ("价格如何确定", "出清价格", "你在本轮的订单", "支付 9.00 积分", "以表格显示曲线"):
        assert text in round_page, text
    for text in ("How the price was set", "Clearing price", "Your orders in this round"):
        assert text not in round_page
    ledger = get_zh(client, "/ledger/")
    for text in (
        "账本对账单",
        "可用",
        "余额",
        "导出 CSV",
        "时间（UTC+8）",
        "+1,000.00",
        f"订单 {order}",
    ):
        assert text in ledger, text
    for text in ("Ledger statement", "Held in escrow", "Export CSV", "When (UTC"):
        assert text not in ledger


def test_a_placed_bid_is_confirmed_and_a_bad_one_refused_in_chinese(client, scene):
    client.force_login(scene["lead"])
    url = f"/rounds/{scene['round2'].pk}/orders/new/"
    placed = client.post(url, {"side": "buy", "quantity": "2", "limit": "1.25"}, follow=True, **ZH)
    assert "买单已提交：2，限价 1.25；冻结 2.50 积分。" in placed.content.decode()
    refused = client.post(url, {"side": "buy", "quantity": "", "limit": "1.25"}, **ZH)
    assert "请先改正上面的订单" in refused.content.decode()


def test_the_countdown_and_chart_words_come_from_the_javascript_catalogue(client, scene):
    client.force_login(scene["lead"])
    catalogue = client.get("/jsi18n/", **ZH).content.decode()
    for text in ("剩余 %(time)s", "需求（买单）", "出清点"):
        assert text.encode("unicode_escape").decode() in catalogue or text in catalogue
    page = get_zh(client, "/dashboard/")
    assert 'src="/jsi18n/"' in page
