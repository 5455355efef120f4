"""The market's ledger memos: stored once in English whoever triggered them, shown in the
reader's language on the statement (page and CSV)."""

from decimal import Decimal

from django.utils import translation

from ledger.models import LedgerTransaction
from market import memos
from tests import factories


def test_an_orders_escrow_memo_is_stored_in_english_even_from_a_chinese_request(db):
    round_ = factories.open_round()
    buyer = factories.trader(Decimal("5000.00"))
    with translation.override("zh-hans"):
        order = factories.bid(buyer, round_, 1200, "2.50")
    txn = LedgerTransaction.objects.get(reason="hold")
    assert txn.memo == f"Escrow for order {order.public_id}: buy 1200 @ 2.50"


def test_the_markets_memos_read_in_chinese_with_grouped_numbers():
    order = memos.escrow_for_order("k3xq9", "buy", 1200, Decimal("2.50"))
    settled = memos.round_settlement("H100 算力 · eu-west", 3, 1500, Decimal("2.45"))
    released = memos.round_escrow_released("H100 算力 · eu-west", 4, "halted")
    with translation.override("zh-hans"):
        assert memos.memo_for_reader(order) == "订单 k3xq9 的托管：买单（买入） 1,200 @ 2.50"
        assert memos.memo_for_reader(settled) == "H100 算力 · eu-west 第 3 轮结算：1,500 @ 2.45"
        assert memos.memo_for_reader(released) == "托管已释放：H100 算力 · eu-west 第 4 轮已暂停"
    with translation.override("en"):
        assert (
            memos.memo_for_reader(settled)
            == "Settlement of H100 算力 · eu-west · round 3: 1,500 at 2.45"
        )


def test_a_memo_management_wrote_is_shown_as_written():
    with translation.override("zh-hans"):
        assert memos.memo_for_reader("Q4 budget top-up") == "Q4 budget top-up"
