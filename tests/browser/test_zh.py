"""A lead whose browser speaks Chinese, in real Chromium: the countdown ticks in Chinese and the
charts' legends and axes are Chinese (Django's JavaScript catalogue), on a laptop and a phone,
with no sideways scrolling."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import WIDTHS
from tests.web.conftest import next_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LABELS = """(kind) => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart=${kind}]`));
  if (!chart) return null;
  const scales = Object.values(chart.options.scales).map(s => s.title.text);
  return [chart.data.datasets.map(d => d.label), scales];
}"""


def sign_in_zh(page, base, user):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(user.membership.division.name)


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_the_market_page_ticks_and_draws_in_chinese(
    live_server, trading_floor, browser, shoot, size
):
    round_, buyer, seller = trading_floor
    market = round_.market
    factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    factories.bid(buyer, next_round(market), 4, "2.75")
    context = browser.new_context(
        viewport=WIDTHS[size],
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in_zh(page, live_server.url, buyer)
    page.goto(live_server.url + reverse("market", args=[market.slug]))
    # the server writes "剩余 5 分钟"; the script's tick rewrites it to the second
    countdown = page.locator("time[data-closes]").first
    expect(countdown).to_have_text(re.compile(r"^剩余 (\d+ 分 \d\d 秒|\d+ 秒)$"))
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=curves]'))"
    )
    curves = page.evaluate(LABELS, "curves")
    assert curves == [
        ["需求（买单）", "供给（卖单）", "你的未成交买单", "出清点"],
        ["数量（累计）", "价格（每单位积分）"],
    ]
    history = page.evaluate(LABELS, "history")
    assert history[0] == ["出清价格", "成交量（单位）"]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size]["width"]
    shoot(page, f"zh-market-{size}")
    assert errors == []
    context.close()


# How many lines an element's text takes: one rectangle per line box of its text.
LINES = """(e) => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_the_header_buttons_keep_to_one_line_in_chinese(
    live_server, trading_floor, browser, shoot, size
):
    """退出登录 (sign out) stays on one line at 390 px next to a long name (it broke into
    退出登 / 录), and so do the language buttons; the name gives way instead."""
    _round, buyer, _seller = trading_floor
    buyer.username = "e-commerce-lead"
    buyer.save(update_fields=["username"])
    division = buyer.membership.division
    division.name = "淘宝天猫电商事业部"
    division.save(update_fields=["name"])
    context = browser.new_context(
        viewport=WIDTHS[size],
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    page = context.new_page()
    sign_in_zh(page, live_server.url, buyer)
    sign_out = page.get_by_role("button", name="退出登录")
    expect(sign_out).to_be_visible()
    shoot(page, f"zh-header-{size}")
    assert sign_out.evaluate(LINES) == 1
    assert page.locator("form.language button[lang=en]").evaluate(LINES) == 1
    assert page.locator(".topbar .who").evaluate(LINES) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size]["width"]
    context.close()
