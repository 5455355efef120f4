"""Every transition of the dispute state machine, and the clear refusal of illegal ones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arbitration import services
from arbitration.models import Dispute
from arbitration.services import IllegalTransition
from market.errors import InvalidState, NotAllowed
from tests import factories
from tests.arbitration.conftest import file_fill_dispute, rule, taken


def history(dispute):
    return [(e.action, e.source, e.target) for e in dispute.events.all()]


def test_an_arbiter_takes_a_filed_case_and_the_move_is_recorded(book, arbiter):
    dispute = file_fill_dispute(book)
    services.dispute_take(dispute_id=dispute.pk, by=arbiter, why="My market.")
    dispute.refresh_from_db()
    assert (dispute.state, dispute.arbiter) == ("under_review", arbiter)
    event = dispute.events.last()
    assert (event.action, event.source, event.target) == ("take", "filed", "under_review")
    assert (event.by, event.why) == (arbiter, "My market.")
    assert event.at <= timezone.now()


def test_an_illegal_transition_is_refused_with_a_clear_message(book, arbiter, second_arbiter):
    dispute = taken(book, arbiter)
    with pytest.raises(IllegalTransition) as refused:
        services.dispute_take(dispute_id=dispute.pk, by=second_arbiter)
    assert refused.value.message == (
        f"Dispute #{dispute.pk} is under review: it cannot be taken (only when filed)."
    )
    assert refused.value.status == 409
    assert len(history(dispute)) == 2  # nothing recorded for the refusal


def test_the_state_cannot_be_set_directly(book):
    dispute = file_fill_dispute(book)
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        dispute.state = "final"


def test_only_management_takes_a_case(book):
    dispute = file_fill_dispute(book)
    with pytest.raises(NotAllowed, match="Only management arbitrates"):
        services.dispute_take(dispute_id=dispute.pk, by=book.s1)


def test_request_response_then_every_counterparty_answers(
    book, arbiter, mailoutbox, django_capture_on_commit_callbacks
):
    dispute = taken(book, arbiter)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute_request_response(dispute_id=dispute.pk, by=arbiter, why="Your side?")
    dispute.refresh_from_db()
    assert dispute.state == "awaiting_response"
    assert dispute.response_due > timezone.now() + timedelta(hours=47)
    assert set(mailoutbox[-1].to) == {book.s1.email, book.s2.email}
    assert "your response is requested" in mailoutbox[-1].subject
    # when the first responds the case still waits; when the last responds it is back in review
    services.response_submit(dispute_id=dispute.pk, user=book.s1, body="The price was fair.")
    assert Dispute.objects.get(pk=dispute.pk).state == "awaiting_response"
    services.response_submit(dispute_id=dispute.pk, user=book.s2, body="Agreed with s1.")
    dispute.refresh_from_db()
    assert dispute.state == "under_review"
    assert history(dispute)[-1] == ("resume_review", "awaiting_response", "under_review")
    assert dispute.events.last().why == "Every counterparty has responded."


def test_a_counterparty_responds_once_and_the_filer_not_at_all(book):
    dispute = file_fill_dispute(book)
    services.response_submit(dispute_id=dispute.pk, user=book.s1, body="No.")
    with pytest.raises(InvalidState, match="already responded"):
        services.response_submit(dispute_id=dispute.pk, user=book.s1, body="Still no.")
    with pytest.raises(NotAllowed, match="Only a counterparty may do this"):
        services.response_submit(dispute_id=dispute.pk, user=book.b1, body="Me too.")


def test_only_the_arbiter_who_took_the_case_requests_responses(book, arbiter, second_arbiter):
    dispute = file_fill_dispute(book)
    with pytest.raises(InvalidState, match="take the case first"):
        services.dispute_request_response(dispute_id=dispute.pk, by=arbiter)
    services.dispute_take(dispute_id=dispute.pk, by=arbiter)
    with pytest.raises(NotAllowed, match=f"Only the arbiter who took dispute #{dispute.pk}"):
        services.dispute_request_response(dispute_id=dispute.pk, by=second_arbiter)


def test_escalation_flags_the_case_and_keeps_its_state(book, arbiter):
    dispute = taken(book, arbiter)
    services.dispute_escalate(dispute_id=dispute.pk, by=arbiter, why="Large amount.")
    dispute.refresh_from_db()
    assert dispute.state == "under_review"
    assert dispute.escalated_at is not None
    assert history(dispute)[-1] == ("escalate", "under_review", "under_review")


def test_the_filer_withdraws_and_the_case_closes(book, arbiter):
    dispute = file_fill_dispute(book)
    with pytest.raises(NotAllowed, match="Only the division that filed it"):
        services.dispute_withdraw(dispute_id=dispute.pk, by=book.s1)
    services.dispute_withdraw(dispute_id=dispute.pk, by=book.b1, why="Settled between us.")
    dispute.refresh_from_db()
    assert (dispute.state, dispute.is_closed) == ("withdrawn", True)
    assert dispute.closed_at is not None
    with pytest.raises(IllegalTransition, match="is withdrawn: it cannot be taken"):
        services.dispute_take(dispute_id=dispute.pk, by=arbiter)
    with pytest.raises(InvalidState, match="the case is closed"):
        services.message_post(dispute_id=dispute.pk, user=book.b1, body="Hello?")


def test_a_ruled_case_cannot_be_withdrawn(book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter)
    with pytest.raises(IllegalTransition, match="is ruled: it cannot be withdrawn"):
        services.dispute_withdraw(dispute_id=dispute.pk, by=book.b1)


def test_ruling_waits_for_responses_until_their_deadline(book, arbiter):
    dispute = taken(book, arbiter)
    services.dispute_request_response(dispute_id=dispute.pk, by=arbiter)
    names = ", ".join(sorted(u.membership.division.name for u in (book.s1, book.s2)))
    with pytest.raises(InvalidState, match=f"{names} may respond until"):
        rule(dispute, arbiter)
    Dispute.objects.filter(pk=dispute.pk).update(response_due=timezone.now() - timedelta(minutes=1))
    rule(dispute, arbiter)
    assert Dispute.objects.get(pk=dispute.pk).state == "ruled"


def test_ruling_then_finalising_after_the_appeal_window(book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter, reasons="The price stands.")
    dispute.refresh_from_db()
    assert dispute.state == "ruled"
    assert dispute.appeal_due > timezone.now() + timedelta(hours=71)
    assert history(dispute)[-1] == ("rule", "under_review", "ruled")
    assert services.dispute_finalise(dispute_id=dispute.pk) is False  # window still open
    Dispute.objects.filter(pk=dispute.pk).update(appeal_due=timezone.now())
    assert services.dispute_finalise(dispute_id=dispute.pk) is True
    assert services.dispute_finalise(dispute_id=dispute.pk) is False  # idempotent
    dispute.refresh_from_db()
    assert (dispute.state, dispute.is_closed) == ("final", True)
    assert history(dispute)[-1] == ("finalise", "ruled", "final")


def test_one_appeal_heard_by_a_different_arbiter(book, arbiter, second_arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter)
    services.dispute_appeal(dispute_id=dispute.pk, by=book.s1, why="The filer misread the curve.")
    dispute.refresh_from_db()
    assert (dispute.state, dispute.appeal_due) == ("appealed", None)
    with pytest.raises(NotAllowed, match="heard by a different arbiter"):
        services.dispute_take(dispute_id=dispute.pk, by=arbiter)
    services.dispute_take(dispute_id=dispute.pk, by=second_arbiter)
    assert history(dispute)[-1] == ("take_appeal", "appealed", "appealed")
    with pytest.raises(NotAllowed, match="Only the arbiter who took"):
        rule(dispute, arbiter)
    rule(dispute, second_arbiter, reasons="Upheld.")
    dispute.refresh_from_db()
    assert dispute.state == "ruled_on_appeal"
    with pytest.raises(InvalidState, match="already been appealed once"):
        services.dispute_appeal(dispute_id=dispute.pk, by=book.b1, why="Again.")
    assert services.dispute_finalise(dispute_id=dispute.pk) is True  # no second appeal to wait for
    assert [a for a, _, _ in history(dispute)] == [
        "file", "take", "rule", "appeal", "take_appeal", "rule_on_appeal", "finalise"
    ]  # fmt: skip


def test_an_appeal_after_the_window_is_refused(book, arbiter):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter)
    Dispute.objects.filter(pk=dispute.pk).update(appeal_due=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidState, match="The appeal window closed"):
        services.dispute_appeal(dispute_id=dispute.pk, by=book.b1, why="Late.")


def test_a_member_reads_but_does_not_act(book):
    dispute = file_fill_dispute(book)
    member = factories.member_of(book.s1.membership.division, may_trade=True)
    with pytest.raises(NotAllowed, match="Only a division lead may act"):
        services.response_submit(dispute_id=dispute.pk, user=member, body="Hi")


def test_a_response_after_the_deadline_is_refused_until_management_reopens(book, arbiter):
    # given: the response deadline set at filing has passed
    dispute = file_fill_dispute(book)
    past = timezone.now() - timedelta(minutes=1)
    Dispute.objects.filter(pk=dispute.pk).update(response_due=past)
    # when / then
    with pytest.raises(
        InvalidState, match="The response deadline passed on .* responses are closed"
    ):
        services.response_submit(dispute_id=dispute.pk, user=book.s1, body="Late.")
    assert not dispute.responses.exists()
    # management reopens the window by asking for responses again
    services.dispute_take(dispute_id=dispute.pk, by=arbiter)
    services.dispute_request_response(dispute_id=dispute.pk, by=arbiter)
    services.response_submit(dispute_id=dispute.pk, user=book.s1, body="In time now.")
    assert dispute.responses.count() == 1
