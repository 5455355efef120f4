"""A ruling that pays a division credits is income: its overage debt is paid from it first."""

from decimal import Decimal as D

from chain.services import debts
from ledger import services as ledger
from tests.arbitration.conftest import balances, rule, taken
from tests.chain.factories import current_window, platform_user, use
from tests.invariants import assert_ledger_reconciles


def test_compensation_paid_to_a_division_in_debt_pays_the_debt_first(book, arbiter):
    b1, s1 = book.b1.membership.division, book.s1.membership.division
    ledger.transfer(source=b1, target=s1, asset=ledger.credits_asset(), amount=D("85.30"), by=None)
    use(platform_user(), b1, current_window(), 10, "over-1")  # 10 × 2.00 × 1.50 owed, none paid
    assert debts.debt_of(b1.pk) == D("30.00")
    dispute = taken(book, arbiter)
    # when
    rule(dispute, arbiter, "compensation", amount=D("5.00"), payer_id=s1.pk, payee_id=b1.pk)
    # then
    assert debts.debt_of(b1.pk) == D("25.00")
    assert balances(book.b1)["credits"] == 0
    assert_ledger_reconciles()
