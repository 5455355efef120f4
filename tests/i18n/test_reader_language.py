"""A division is named in the reader's language (千问 to a Chinese reader, Qwen to an English
one) wherever a page, a notification or a case's history names it; and sentences written one
after another read without a gap after 。 in Chinese."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from arbitration import services as arbitration
from divisions.models import Division
from oversight.models import HealthAlert
from tests import factories
from tests.arbitration.conftest import book, claim  # noqa: F401 (book: a fixture)
from tests.web.conftest import next_round
from tokenhub.formatting import join_sentences

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
INLINE = r"</?(?:b|a|strong|code|em|small|abbr|time|output)\b[^>]*>"


def named_qwen(division: Division) -> Division:
    division.name, division.name_en = "千问", "Qwen"
    division.save(update_fields=["name", "name_en"])
    return division


def reads(html: str) -> str:
    """The text as it reads, paragraph by paragraph (¶): inline tags dropped, spaces collapsed."""
    html = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", "", html)
    html = re.sub(r"(?i)" + INLINE, "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "¶", html))


def gaps(html: str) -> list[str]:
    """Each place where a space follows a Chinese full stop inside one paragraph."""
    text = reads(html)
    return [text[max(0, m.start() - 30) : m.end() + 10] for m in re.finditer("。 [^¶ ]", text)]


# ---------------------------------------------------------------- division names


@pytest.mark.parametrize(
    ("path", "english", "chinese"),
    [
        ("/dashboard/", "<h1>Qwen</h1>", "<h1>千问</h1>"),
        ("/ledger/", "Qwen: ledger statement", "千问：账本对账单"),
        ("/orders/", "Qwen: orders", "千问：订单"),
        ("/bundles/", "Qwen: bundles", "千问：组合订单"),
        ("/chain/windows/", "Qwen: delivery windows", "千问：交付窗口"),
    ],
)
def test_a_leads_pages_name_the_division_in_the_readers_language(
    client, division, path, english, chinese
):
    client.force_login(factories.lead_of(named_qwen(division)))

    in_english = client.get(path, **EN).content.decode()
    in_chinese = client.get(path, **ZH).content.decode()

    assert english in in_english
    assert "千问" not in reads(in_english)
    assert chinese in in_chinese
    assert "Qwen" not in reads(in_chinese)


def test_the_division_picker_lists_divisions_in_the_readers_language(client, auditor, division):
    named_qwen(division)
    client.force_login(auditor)

    assert ">Qwen</a>" in client.get("/orders/", **EN).content.decode()
    assert ">千问</a>" in client.get("/orders/", **ZH).content.decode()


def test_a_dispute_names_its_parties_in_the_readers_language(client, book):  # noqa: F811
    named_qwen(book.b1.membership.division)
    lead = get_user_model().objects.get(pk=book.b1.pk)  # its division as renamed
    dispute = arbitration.dispute_file(user=lead, claim=claim(), fill_id=book.fill(lead).pk)
    arbitration.message_post(dispute_id=dispute.pk, user=lead, body="请尽快处理。")
    client.force_login(lead)

    in_english = client.get(f"/disputes/{dispute.pk}/", **EN).content.decode()
    in_chinese = client.get(f"/disputes/{dispute.pk}/", **ZH).content.decode()

    # the snapshot's party, the case history's "filed by", the message's sender
    assert "<h4>Qwen " in in_english
    assert "Filed by Qwen." in in_english
    assert "<b>Qwen</b>" in in_english
    assert "千问" not in reads(in_english).replace("请尽快处理。", "")
    assert "<h4>千问 " in in_chinese
    assert "由 千问 提起。" in in_chinese
    assert "<b>千问</b>" in in_chinese
    assert "Qwen" not in reads(in_chinese)


def test_a_refused_ruling_names_the_silent_counterparty_in_the_readers_language(book):  # noqa: F811
    from market.errors import MarketError
    from tests.arbitration.conftest import rule

    named_qwen(book.s1.membership.division)
    arbiter = factories.management_user()
    dispute = arbitration.dispute_file(user=book.b1, claim=claim(), fill_id=book.fill(book.b1).pk)
    arbitration.dispute_take(dispute_id=dispute.pk, by=arbiter)
    arbitration.dispute_request_response(dispute_id=dispute.pk, by=arbiter)

    with pytest.raises(MarketError) as refused:
        rule(dispute, arbiter)

    assert "Qwen may respond until" in refused.value.message


def test_a_share_alert_names_the_division_in_the_readers_language(
    client, management, django_capture_on_commit_callbacks, monkeypatch
):
    from notifications import tasks
    from notifications.selectors import inbox

    monkeypatch.setattr(tasks.fan_out, "delay", lambda ids: tasks.fan_out(ids))
    market = factories.MarketFactory()
    buyer = factories.trader(Decimal(100))
    seller = factories.trader(Decimal(0), units=20, asset=market.asset)
    named_qwen(buyer.membership.division)
    HealthAlert.objects.create(kind="division_share", threshold=Decimal("70"))
    round_ = next_round(market)
    with django_capture_on_commit_callbacks(execute=True):
        factories.bid(buyer, round_, 8, "3.00")
        factories.ask(seller, round_, 10, "2.00")
        assert factories.close_and_finish(round_) == "settled"

    (english,) = [line.said.text for line in inbox(user=management)]
    with translation.override("zh-hans"):
        (chinese,) = [line.said.text for line in inbox(user=management)]

    assert english.startswith("Qwen bought 100.0% of the units")
    assert chinese.startswith("千问 买入")
    assert "Qwen" not in chinese
    # two sentences, one for the buyer and one for the seller: no gap between them in Chinese
    assert "。" in chinese.rstrip("。")
    assert "。 " not in chinese
    # the health view's top buyer too
    client.force_login(management)
    assert "Qwen (100.0%)" in client.get("/oversight/health/", **EN).content.decode()
    assert "千问 (100.0%)" in client.get("/oversight/health/", **ZH).content.decode()


# ---------------------------------------------------------------- sentences


def test_sentences_join_with_a_space_in_english_and_none_after_a_chinese_full_stop():
    assert join_sentences(["Bid placed.", "", None, "A bid at 0.00 …"]) == (
        "Bid placed. A bid at 0.00 …"
    )
    assert join_sentences(["已下买单。", " 以 0.00 出价… "]) == "已下买单。以 0.00 出价…"
    assert join_sentences(["已下买单；", "Warning."]) == "已下买单；Warning."
    assert join_sentences([]) == ""


def test_a_bid_at_zero_is_placed_with_its_warning_and_no_gap_in_chinese(client):
    round_, buyer = factories.open_round(), factories.trader(Decimal(100))
    client.force_login(buyer)
    data = {"side": "buy", "quantity": "3", "limit": "0"}

    page = client.post(f"/rounds/{round_.pk}/orders/new/", data, follow=True, **ZH)

    (said,) = [str(m) for m in page.context["messages"]]
    assert said.startswith("买单已提交")
    assert "0.00" in said.split("。", 1)[1]  # the warning follows the confirmation
    assert "。 " not in said


def test_chinese_pages_leave_no_gap_after_a_full_stop(client):
    """The hold preview, the curves' caption, the empty lists' hints, the ledger's lede, the
    round's snapshot in a case and the note for someone outside every division: each joins
    several sentences."""
    round_ = factories.open_round()
    buyer = factories.trader(Decimal(1000))
    seller = factories.trader(Decimal(0), units=50, asset=round_.market.asset)
    factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)
    fill = round_.fills.get(division=buyer.membership.division)
    dispute = arbitration.dispute_file(user=buyer, claim=claim(), fill_id=fill.pk)
    following = next_round(round_.market)
    client.force_login(buyer)
    pages = {
        "preview": f"/rounds/{following.pk}/orders/preview/?side=buy",
        "preview with a hold": f"/rounds/{following.pk}/orders/preview/?quantity=2&limit=1",
        "round": f"/rounds/{round_.pk}/",
        "open round without orders": f"/rounds/{following.pk}/",
        "market": f"/markets/{round_.market.slug}/",
        "dashboard without open orders": "/dashboard/",
        "ledger": "/ledger/",
        "dispute": f"/disputes/{dispute.pk}/",
    }
    for name, path in pages.items():
        html = client.get(path, **ZH).content.decode()
        assert "。" in html, name
        assert gaps(html) == [], name
    client.force_login(factories.UserFactory())
    html = client.get("/dashboard/", **ZH).content.decode()
    assert "你不是任何事业部的成员。" in html
    assert gaps(html) == []
