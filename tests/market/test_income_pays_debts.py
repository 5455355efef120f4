"""A division's overage debt is paid first from its next income, in the income's own transaction:
a round's proceeds to a seller, a management grant (issue 14). Beat's debts tick never runs here.
"""

from decimal import Decimal

import pytest

from chain.services import debts
from ledger import services as ledger
from ledger.models import LedgerTransaction
from market.models import Round
from market.selectors import division_holdings
from market.services import rounds
from oversight.services import health
from tests import factories
from tests.chain.factories import current_window, platform_user, use
from tests.invariants import assert_ledger_reconciles

pytestmark = pytest.mark.django_db


def credits(division):
    """(available, held) credits as the division's holdings page shows them."""
    for holding in division_holdings(division=division):
        if holding.asset.is_credits:
            return holding.available, holding.held
    return Decimal("0.00"), Decimal("0.00")


@pytest.fixture
def owing():
    """A division with no credits that used 10 units beyond its holdings: 10 × 2.00 × 1.50 = 30.00
    owed (the series' fallback price and factor)."""
    window = current_window()
    division = factories.DivisionFactory()
    use(platform_user(), division, window, 10, "over-1")
    assert debts.debt_of(division.pk) == Decimal("30.00")
    return division


def sell_in_a_round(seller, units, price):
    """`seller` sells `units` at `price` to a funded buyer in a round that is closed and cleared."""
    round_ = factories.open_round()
    factories.stocked(seller, round_.market.asset, units)
    factories.ask(factories.lead_of(seller), round_, units, price)
    factories.bid(factories.trader(Decimal("1000.00")), round_, units, price)
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    assert rounds.round_clear(round_id=round_.pk)
    return round_


def test_a_sellers_proceeds_pay_its_debt_first_when_the_round_settles(owing):
    round_ = sell_in_a_round(owing, 10, "5.00")  # 50.00 of proceeds
    # when
    assert rounds.round_settle(round_id=round_.pk)
    # then: 30.00 of the 50.00 went to the debt before the division could spend anything
    assert debts.debt_of(owing.pk) == 0
    assert credits(owing) == (Decimal("20.00"), Decimal("0.00"))
    trade = LedgerTransaction.objects.get(reason="trade", key=f"round:{round_.pk}:settle")
    paid = LedgerTransaction.objects.get(reason="overage", entries__amount=Decimal("-30.00"))
    assert paid.pk == trade.pk + 1  # posted right after the settlement, before anything else
    assert_ledger_reconciles()


def test_proceeds_smaller_than_the_debt_all_go_to_it_and_the_rest_stays_owed(owing):
    round_ = sell_in_a_round(owing, 4, "5.00")  # 20.00 of proceeds
    assert rounds.round_settle(round_id=round_.pk)
    assert debts.debt_of(owing.pk) == Decimal("10.00")
    assert credits(owing) == (Decimal("0.00"), Decimal("0.00"))
    assert_ledger_reconciles()
    # and the next income pays the rest
    factories.funded(owing, Decimal("15.00"))
    assert debts.debt_of(owing.pk) == 0
    assert credits(owing) == (Decimal("5.00"), Decimal("0.00"))
    assert_ledger_reconciles()


def test_a_buyers_escrow_coming_back_is_no_income_and_pays_no_debt(owing):
    round_ = factories.open_round()
    seller = factories.trader(Decimal(0), units=5, asset=round_.market.asset)
    factories.funded(owing, Decimal("100.00"))  # pays the 30.00 debt, 70.00 left
    use(platform_user(), owing, current_window(), 5, "over-2")  # 15.00 of it more
    assert (debts.debt_of(owing.pk), credits(owing)) == (Decimal("0.00"), (Decimal("55.00"), 0))
    factories.bid(factories.lead_of(owing), round_, 5, "11.00")  # 55.00 held
    use(platform_user(), owing, current_window(), 2, "over-3")  # 6.00 owed, none free
    assert debts.debt_of(owing.pk) == Decimal("6.00")
    factories.ask(seller, round_, 5, "10.00")
    # when: the bid fills at the midpoint 10.50: 52.50 paid, 2.50 of escrow back
    assert factories.close_and_finish(round_) == "settled"
    # then: escrow returning is the division's own money, not income; beat's tick collects it
    assert debts.debt_of(owing.pk) == Decimal("6.00")
    assert credits(owing) == (Decimal("2.50"), Decimal("0.00"))
    assert_ledger_reconciles()


def test_a_settlement_that_fails_after_posting_leaves_the_debt_and_the_ledger_as_they_were(
    owing, monkeypatch
):
    round_ = sell_in_a_round(owing, 10, "5.00")
    before = LedgerTransaction.objects.count()

    def crash(**kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(health, "round_stats_record", crash)  # after the ledger posting
    with pytest.raises(RuntimeError):
        rounds.round_settle(round_id=round_.pk)
    assert Round.objects.get(pk=round_.pk).state == "cleared"
    assert LedgerTransaction.objects.count() == before
    assert debts.debt_of(owing.pk) == Decimal("30.00")
    monkeypatch.undo()
    assert rounds.round_settle(round_id=round_.pk)
    assert debts.debt_of(owing.pk) == 0
    assert_ledger_reconciles()


def test_a_management_grant_pays_the_debt_first(owing, management):
    # when
    grant = ledger.credits_grant(division=owing, amount=Decimal("100.00"), by=management)
    # then
    assert debts.debt_of(owing.pk) == 0
    assert credits(owing) == (Decimal("70.00"), Decimal("0.00"))
    paid = LedgerTransaction.objects.get(reason="overage", entries__amount=Decimal("-30.00"))
    assert paid.pk == grant.pk + 1
    assert_ledger_reconciles()


def test_a_grant_smaller_than_the_debt_pays_what_it_can(owing, management):
    ledger.credits_grant(division=owing, amount=Decimal("12.34"), by=management)
    assert debts.debt_of(owing.pk) == Decimal("17.66")
    assert credits(owing) == (Decimal("0.00"), Decimal("0.00"))
    assert_ledger_reconciles()
