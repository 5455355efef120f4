from datetime import timedelta
from decimal import Decimal

import pytest

from arbitration import services
from arbitration.models import Dispute, Evidence
from market.errors import InvalidState, MarketError, NotAllowed
from tests import factories
from tests.arbitration.conftest import claim, file_fill_dispute


def test_a_lead_files_a_dispute_about_a_fill_against_the_other_side(
    book, arbiter, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dispute = file_fill_dispute(book)
    # then
    b1, s1, s2 = (u.membership.division for u in (book.b1, book.s1, book.s2))
    parties = {p.division: p.role for p in dispute.parties.all()}
    assert parties == {b1: "filer", s1: "counterparty", s2: "counterparty"}
    assert (dispute.state, dispute.market, dispute.fill) == (
        "filed",
        book.round.market,
        book.fill(book.b1),
    )
    assert dispute.response_due == dispute.filed_at + timedelta(hours=48)
    assert dispute.ruling_due == dispute.filed_at + timedelta(hours=120)
    event = dispute.events.get()
    assert (event.action, event.source, event.target, event.by) == ("file", "", "filed", book.b1)
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert recipients == {book.s1.email, book.s2.email, arbiter.email}
    assert "filed a dispute" in mailoutbox[0].body


@pytest.mark.parametrize("site", ["https://tokenhub.internal", "https://tokenhub.internal/"])
def test_a_dispute_email_links_the_case_by_its_absolute_address(
    book, arbiter, mailoutbox, django_capture_on_commit_callbacks, settings, site
):
    # given
    settings.SITE_URL = site
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dispute = file_fill_dispute(book)
    # then
    assert f"https://tokenhub.internal/disputes/{dispute.pk}/" in mailoutbox[0].body


def test_the_snapshot_of_the_round_is_attached_as_evidence(book):
    dispute = file_fill_dispute(book)
    snapshot = dispute.evidence.get(kind=Evidence.Kind.SNAPSHOT).snapshot
    assert snapshot["round"]["price"] == "2.45"
    assert snapshot["round"]["volume"] == 10
    assert snapshot["round"]["demand"] == [["3.00", 6], ["2.50", 12]]
    mine = snapshot["divisions"][str(book.b1.membership.division_id)]
    assert mine["orders"][0]["limit"] == "3.00"
    assert mine["fills"][0] | {"id": 0, "order": 0} == {
        "id": 0, "order": 0, "side": "buy", "quantity": 6, "price": "2.45", "amount": "14.70"
    }  # fmt: skip
    seller = snapshot["divisions"][str(book.s2.membership.division_id)]
    assert (seller["role"], seller["orders"][0]["limit"]) == ("counterparty", "2.40")
    assert str(book.b2.membership.division_id) not in snapshot["divisions"]  # not a party


def test_a_price_dispute_is_against_every_division_on_the_other_side(book):
    dispute = services.dispute_file(
        user=book.s2, claim=claim(subject="price"), round_id=book.round.pk
    )
    others = set(dispute.parties.filter(role="counterparty").values_list("division", flat=True))
    assert others == {book.b1.membership.division_id, book.b2.membership.division_id}
    assert dispute.fill is None


def test_a_member_cannot_file(book):
    member = factories.member_of(book.b1.membership.division, may_trade=True)
    with pytest.raises(NotAllowed, match="Only a division lead may file a dispute"):
        services.dispute_file(user=member, claim=claim(), fill_id=book.fill(book.b1).pk)


def test_nobody_files_about_another_divisions_fill(book):
    with pytest.raises(NotAllowed, match="your own division's fills"):
        services.dispute_file(user=book.b2, claim=claim(), fill_id=book.fill(book.b1).pk)


def test_a_division_that_did_not_trade_cannot_dispute_the_round(book, lead):
    with pytest.raises(NotAllowed, match="placed orders in a round"):
        services.dispute_file(user=lead, claim=claim(subject="price"), round_id=book.round.pk)


def test_a_round_is_disputed_only_once_settled(db):
    round_ = factories.open_round()
    buyer = factories.trader(Decimal(100))
    factories.bid(buyer, round_, 1, "1.00")
    with pytest.raises(InvalidState, match="once the round has settled"):
        services.dispute_file(user=buyer, claim=claim(subject="price"), round_id=round_.pk)


def test_one_open_dispute_per_fill(book):
    first = file_fill_dispute(book)
    with pytest.raises(InvalidState, match=f"already has dispute #{first.pk} open"):
        file_fill_dispute(book)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"statement": "  "}, "Say what went wrong"),
        ({"claimed_amount": Decimal("-1")}, "cannot be negative"),
        ({"claimed_amount": Decimal("0.001")}, "at most 2 decimal places"),
        ({"subject": "price"}, "filed from the fill"),
    ],
)
def test_a_claim_is_checked_with_a_message(book, overrides, message):
    with pytest.raises(MarketError, match=message):
        file_fill_dispute(book, **overrides)
    assert not Dispute.objects.exists()


@pytest.mark.parametrize("amount", ["١٢", "１２", "1e3", "12.345", "-1"])
def test_a_claim_is_read_as_strictly_as_an_order(book, amount):
    with pytest.raises(MarketError) as refused:
        file_fill_dispute(book, claimed_amount=amount)
    assert refused.value.field == "claimed_amount"


def test_a_claim_of_minus_zero_is_zero(book):
    assert file_fill_dispute(book, claimed_amount="-0").claimed_amount == Decimal("0.00")


def test_dispute_emails_speak_each_recipients_language_and_time_zone(
    book, arbiter, mailoutbox, django_capture_on_commit_callbacks
):
    # given: one counterparty lead reads Chinese in Shanghai, the other English in UTC
    from accounts.services import preferences_set

    preferences_set(user=book.s1, language="zh-hans", time_zone="Asia/Shanghai")
    preferences_set(user=book.s2, language="en", time_zone="UTC")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        dispute = file_fill_dispute(book)
    # then
    chinese = next(m for m in mailoutbox if book.s1.email in m.to)
    english = next(m for m in mailoutbox if book.s2.email in m.to)
    assert book.s2.email not in chinese.to
    assert "提起了争议" in chinese.body
    assert "UTC+8" in chinese.body
    assert chinese.subject.startswith(f"[Tokenhub] 争议 #{dispute.pk}：")
    assert "filed a dispute" in english.body
    assert "UTC" in english.body
    assert "争议" not in english.body
