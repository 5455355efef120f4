"""Each remedy's exact ledger effects, the sums after each ruling, refusals, exactly-once."""

import threading
import uuid
from decimal import Decimal as D

import pytest
from django.db import connections

from arbitration import services
from arbitration.models import Dispute, Ruling, RulingEffect
from arbitration.services.remedies import allocate
from ledger import services as ledger
from ledger.models import Entry, LedgerTransaction
from market.errors import InsufficientFunds, InvalidState, MarketError
from tests.arbitration.conftest import balances, claim, rule, taken
from tests.invariants import assert_ledger_reconciles

AFTER_SETTLEMENT = {
    "b1": {"credits": D("85.30"), "units": D(6)},
    "b2": {"credits": D("90.20"), "units": D(4)},
    "s1": {"credits": D("12.25"), "units": D(5)},
    "s2": {"credits": D("12.25"), "units": D(5)},
}


def everyone(book):
    return {name: balances(getattr(book, name)) for name in ("b1", "b2", "s1", "s2")}


def changes(book):
    """What each division gained (+) or gave (−) since settlement."""
    now = everyone(book)
    return {
        name: {k: now[name][k] - AFTER_SETTLEMENT[name][k] for k in ("credits", "units")}
        for name in now
    }


def assert_conserved():
    assert_ledger_reconciles()


def test_the_book_after_settlement(book):
    assert everyone(book) == AFTER_SETTLEMENT


def test_dismissal_posts_nothing(book, arbiter):
    dispute = taken(book, arbiter)
    ruling = rule(dispute, arbiter, "dismiss", reasons="The price followed the rule.")
    assert (ruling.transaction, ruling.effects.count()) == (None, 0)
    assert everyone(book) == AFTER_SETTLEMENT


def test_compensation_moves_credits_from_one_party_to_another(book, arbiter):
    dispute = taken(book, arbiter)
    s1, b1 = book.s1.membership.division, book.b1.membership.division
    ruling = rule(
        dispute, arbiter, "compensation", amount=D("5.00"), payer_id=s1.pk, payee_id=b1.pk
    )
    assert changes(book)["b1"] == {"credits": D("5.00"), "units": 0}
    assert changes(book)["s1"] == {"credits": D("-5.00"), "units": 0}
    assert changes(book)["s2"] == changes(book)["b2"] == {"credits": 0, "units": 0}
    txn = ruling.transaction
    assert (txn.reason, txn.key, txn.reference_id, txn.created_by) == (
        "ruling", f"ruling:{ruling.pk}", dispute.pk, arbiter
    )  # fmt: skip
    assert txn.memo == f"Ruling on dispute #{dispute.pk}: Compensation"
    assert_conserved()


def test_a_price_adjustment_moves_the_difference_per_fill(book, arbiter):
    dispute = taken(book, arbiter)
    ruling = rule(dispute, arbiter, "price_adjustment", new_price=D("2.40"))
    # 6 disputed units matched 3 and 3 to the two sellers' fills: 0.05 each way per unit
    assert changes(book) == {
        "b1": {"credits": D("0.30"), "units": 0},
        "b2": {"credits": 0, "units": 0},
        "s1": {"credits": D("-0.15"), "units": 0},
        "s2": {"credits": D("-0.15"), "units": 0},
    }
    effects = {
        (e.fill_id, e.units, e.old_price, e.new_price, e.credits) for e in ruling.effects.all()
    }
    assert effects == {
        (book.fill(book.b1).pk, 6, D("2.45"), D("2.40"), D("0.30")),
        (book.fill(book.s1).pk, 3, D("2.45"), D("2.40"), D("-0.15")),
        (book.fill(book.s2).pk, 3, D("2.45"), D("2.40"), D("-0.15")),
    }
    assert_conserved()


def test_a_higher_price_makes_the_buyer_pay_the_sellers(book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter, "price_adjustment", new_price=D("2.50"))
    assert changes(book)["b1"]["credits"] == D("-0.30")
    assert changes(book)["s1"]["credits"] == changes(book)["s2"]["credits"] == D("0.15")


def test_a_sellers_price_dispute_is_matched_pro_rata_to_the_buyers(book, arbiter):
    dispute = services.dispute_file(
        user=book.s2, claim=claim(subject="price"), round_id=book.round.pk
    )
    services.dispute_take(dispute_id=dispute.pk, by=arbiter)
    rule(dispute, arbiter, "price_adjustment", new_price=D("2.50"))
    # s2's 5 units split 3 : 2 over b1's 6 and b2's 4
    assert changes(book)["s2"]["credits"] == D("0.25")
    assert changes(book)["b1"]["credits"] == D("-0.15")
    assert changes(book)["b2"]["credits"] == D("-0.10")
    assert_conserved()


def test_voiding_a_fill_reverses_units_and_credits(book, arbiter):
    dispute = taken(book, arbiter, claimed_remedy="void")
    rule(dispute, arbiter, "void", reasons="The capacity was never delivered.")
    assert changes(book) == {
        "b1": {"credits": D("14.70"), "units": D(-6)},
        "b2": {"credits": 0, "units": 0},
        "s1": {"credits": D("-7.35"), "units": D(3)},
        "s2": {"credits": D("-7.35"), "units": D(3)},
    }
    assert_conserved()


def test_a_remedy_that_would_overdraw_is_refused_whole_with_the_reason(book, arbiter):
    dispute = taken(book, arbiter)
    s1, b1 = book.s1.membership.division, book.b1.membership.division
    with pytest.raises(InsufficientFunds) as refused:
        rule(dispute, arbiter, "compensation", amount=D("50.00"), payer_id=s1.pk, payee_id=b1.pk)
    assert refused.value.message == (
        f"The ruling cannot be applied: {s1} has 12.25 credits available, needs 50.00."
    )
    dispute.refresh_from_db()
    assert dispute.state == "under_review"
    assert not Ruling.objects.exists()
    assert not LedgerTransaction.objects.filter(reason="ruling").exists()
    assert everyone(book) == AFTER_SETTLEMENT


def test_a_void_is_refused_when_the_buyer_no_longer_holds_the_units(book, arbiter):
    dispute = taken(book, arbiter)
    b1, b2 = book.b1.membership.division, book.b2.membership.division
    asset = book.round.market.asset
    ledger.transfer(source=b1, target=b2, asset=asset, amount=6, by=None)  # b1 passed them on
    with pytest.raises(
        InsufficientFunds, match=f"{b1} has 0 GPU-hours of {asset} available, needs 6"
    ):
        rule(dispute, arbiter, "void")
    # nothing in part: the sellers' credits did not move either
    assert balances(book.s1) == AFTER_SETTLEMENT["s1"]
    assert not RulingEffect.objects.exists()


def test_a_double_submit_pays_once(book, arbiter):
    dispute = taken(book, arbiter)
    s1, b1 = book.s1.membership.division, book.b1.membership.division
    nonce = uuid.uuid4()
    first = rule(
        dispute,
        arbiter,
        "compensation",
        nonce=nonce,
        amount=D("5.00"),
        payer_id=s1.pk,
        payee_id=b1.pk,
    )
    again = rule(
        dispute,
        arbiter,
        "compensation",
        nonce=nonce,
        amount=D("5.00"),
        payer_id=s1.pk,
        payee_id=b1.pk,
    )
    assert again.pk == first.pk
    assert LedgerTransaction.objects.filter(reason="ruling").count() == 1
    assert changes(book)["b1"]["credits"] == D("5.00")
    # a second, different confirm is a second ruling, which the state machine refuses
    with pytest.raises(InvalidState, match="is ruled: it cannot be ruled on"):
        rule(dispute, arbiter, "compensation", amount=D("5.00"), payer_id=s1.pk, payee_id=b1.pk)
    assert changes(book)["b1"]["credits"] == D("5.00")


def test_the_preview_is_exactly_what_is_posted(book, arbiter):
    dispute = taken(book, arbiter)
    decision = services.Decision(remedy="void", reasons="Not delivered.")
    plan = services.ruling_preview(dispute=dispute, decision=decision)
    previewed = {(leg.account.pk, leg.amount) for leg in plan.legs}
    assert plan.problems == []
    assert all(leg.after == leg.before + leg.amount for leg in plan.legs)
    assert not LedgerTransaction.objects.filter(reason="ruling").exists()  # a preview posts nothing
    ruling = services.dispute_rule(
        dispute_id=dispute.pk, by=arbiter, decision=decision, nonce=uuid.uuid4()
    )
    posted = set(
        Entry.objects.filter(transaction=ruling.transaction).values_list("account", "amount")
    )
    assert posted == previewed
    assert len(previewed) == 6  # three divisions × credits and units


def test_each_unit_of_a_fill_is_re_priced_or_voided_once(book, arbiter, second_arbiter):
    first = taken(book, arbiter)
    rule(first, arbiter, "void")
    Dispute.objects.filter(pk=first.pk).update(appeal_due=first.filed_at)
    services.dispute_finalise(dispute_id=first.pk)
    # b1's fill is spent; b2's 4 units are matched to what is left of the sellers' fills (2 + 2)
    again = taken(book, arbiter)
    with pytest.raises(
        InvalidState, match=f"Fill {book.fill(book.b1).public_id} was already re-priced"
    ):
        rule(again, arbiter, "price_adjustment", new_price=D("2.40"))
    other = services.dispute_file(user=book.b2, claim=claim(), fill_id=book.fill(book.b2).pk)
    services.dispute_take(dispute_id=other.pk, by=second_arbiter)
    ruling = rule(other, second_arbiter, "price_adjustment", new_price=D("2.40"))
    assert sorted(e.units for e in ruling.effects.all()) == [2, 2, 4]
    assert_conserved()


def test_an_appeal_can_reverse_the_first_ruling(book, arbiter, second_arbiter):
    dispute = taken(book, arbiter)
    first = rule(dispute, arbiter, "void")
    services.dispute_appeal(dispute_id=dispute.pk, by=book.s1, why="It was delivered.")
    services.dispute_take(dispute_id=dispute.pk, by=second_arbiter)
    # when: overturned — the void is reversed and the price adjusted instead
    second = rule(
        dispute, second_arbiter, "price_adjustment", new_price=D("2.40"), reverse_previous=True
    )
    # then
    assert second.reverses == first
    assert changes(book)["b1"] == {"credits": D("0.30"), "units": 0}
    assert changes(book)["s1"] == {"credits": D("-0.15"), "units": 0}
    reversal = second.effects.filter(kind="reversal")
    assert {e.reverses_id for e in reversal} == set(first.effects.values_list("pk", flat=True))
    assert second.transaction.memo == f"Appeal ruling on dispute #{dispute.pk}: Price adjustment"
    assert_conserved()


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"remedy": "compensation", "amount": D("0")}, "positive amount"),
        ({"remedy": "price_adjustment", "new_price": D("2.405")}, "tick of 0.01"),
        ({"remedy": "price_adjustment", "new_price": D("2.45")}, "already cleared at 2.45"),
        ({"remedy": "price_adjustment"}, "needs the new price"),
        ({"remedy": "dismiss", "reasons": " "}, "Give the reasons"),
        ({"remedy": "dismiss", "reverse_previous": True}, "Only an appeal ruling"),
    ],
)
def test_a_decision_is_checked_with_a_message(book, arbiter, decision, message):
    dispute = taken(book, arbiter)
    with pytest.raises(MarketError, match=message):
        rule(dispute, arbiter, **decision)


def test_compensation_is_between_two_different_parties(book, arbiter):
    dispute = taken(book, arbiter)
    b1, b2 = book.b1.membership.division, book.b2.membership.division
    with pytest.raises(MarketError, match="paid by one party to another"):
        rule(dispute, arbiter, "compensation", amount=D(1), payer_id=b2.pk, payee_id=b1.pk)
    with pytest.raises(MarketError, match="must be different"):
        rule(dispute, arbiter, "compensation", amount=D(1), payer_id=b1.pk, payee_id=b1.pk)


@pytest.mark.parametrize(
    ("total", "capacities", "expected"),
    [
        (6, {1: 5, 2: 5}, {1: 3, 2: 3}),
        (7, {1: 5, 2: 5}, {1: 4, 2: 3}),  # equal remainders: lower id first
        (6, {1: 5, 2: 3, 3: 2}, {1: 3, 2: 2, 3: 1}),  # largest remainder
        (10, {1: 5, 2: 5}, {1: 5, 2: 5}),
        (0, {1: 5}, {}),
    ],
)
def test_disputed_units_are_allocated_pro_rata_in_whole_units(total, capacities, expected):
    assert allocate(total, capacities) == expected


def test_allocation_refuses_more_units_than_the_other_side_has():
    with pytest.raises(MarketError, match="Only 4 units are on the other side; 5 are disputed"):
        allocate(5, {1: 2, 2: 2})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_form", [True, False])
def test_two_confirms_at_once_pay_once(book, arbiter, same_form):
    dispute = taken(book, arbiter)
    s1, b1 = book.s1.membership.division, book.b1.membership.division
    barrier = threading.Barrier(2)
    nonce = uuid.uuid4()
    outcomes = []

    def confirm():
        try:
            barrier.wait()
            ruling = rule(
                dispute,
                arbiter,
                "compensation",
                nonce=nonce if same_form else uuid.uuid4(),
                amount=D("5.00"),
                payer_id=s1.pk,
                payee_id=b1.pk,
            )
            outcomes.append(ruling.pk)
        except InvalidState as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ruling = Ruling.objects.get()
    if same_form:
        assert outcomes == [ruling.pk, ruling.pk]
    else:
        assert sorted(outcomes, key=str) == sorted(
            [ruling.pk, f"Dispute #{dispute.pk} is ruled: it cannot be ruled on (only when "
             "under review or awaiting response)."], key=str
        )  # fmt: skip
    assert LedgerTransaction.objects.filter(reason="ruling").count() == 1
    assert changes(book)["b1"]["credits"] == D("5.00")
    assert_conserved()
