"""The deadlines tick: late responses, overdue rulings, finality; idempotent; emails once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from arbitration import services, tasks
from arbitration.deadlines import deadlines_run
from arbitration.models import Dispute
from tests.arbitration.conftest import file_fill_dispute, rule, taken

NOTHING = {"responses_lapsed": 0, "overdue": 0, "finalised": 0}


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    def run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return deadlines_run(now=now)

    return run


def later(hours):
    return timezone.now() + timedelta(hours=hours)


def test_a_lapsed_response_deadline_returns_the_case_to_review(book, arbiter, tick, mailoutbox):
    dispute = taken(book, arbiter)
    services.dispute_request_response(dispute_id=dispute.pk, by=arbiter)
    services.response_submit(dispute_id=dispute.pk, user=book.s1, body="Fair price.")
    assert tick(later(47)) == NOTHING
    mailoutbox.clear()
    # when
    assert tick(later(49))["responses_lapsed"] == 1
    # then
    dispute.refresh_from_db()
    assert dispute.state == "under_review"
    event = dispute.events.last()
    assert (event.action, event.by) == ("resume_review", None)
    assert (
        event.why
        == f"The response deadline passed; no response from {book.s2.membership.division}."
    )
    assert "response deadline passed" in mailoutbox[0].subject
    assert arbiter.email in mailoutbox[0].to
    assert tick(later(49)) == NOTHING  # idempotent


def test_an_overdue_ruling_is_flagged_escalated_and_notified_once(
    book, arbiter, management, tick, mailoutbox
):
    dispute = taken(book, arbiter)
    management.email = "boss@example.com"
    management.save()
    # when: past the market's 120 hours
    assert tick(later(121))["overdue"] == 1
    # then
    dispute.refresh_from_db()
    assert dispute.overdue_at is not None
    assert dispute.escalated_at is not None
    assert dispute.state == "under_review"
    event = dispute.events.last()
    assert (event.action, event.by) == ("escalate", None)
    assert event.why.startswith("Overdue: the ruling was due")
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {arbiter.email, management.email, book.b1.email}
    assert "ruling overdue" in mailoutbox[0].subject
    assert tick(later(122)) == NOTHING
    assert len(mailoutbox) == 1  # nobody emailed twice


def test_a_ruling_becomes_final_when_the_appeal_window_passes(book, arbiter, tick, mailoutbox):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter)
    assert tick(later(71)) == NOTHING
    assert tick(later(73))["finalised"] == 1
    dispute.refresh_from_db()
    assert dispute.state == "final"
    assert "the ruling is final" in mailoutbox[-1].subject
    assert set(mailoutbox[-1].to) == {u.email for u in (book.b1, book.s1, book.s2)}


def test_an_appeal_ruling_is_final_at_the_next_tick(book, arbiter, second_arbiter, tick):
    dispute = taken(book, arbiter)
    rule(dispute, arbiter)
    services.dispute_appeal(dispute_id=dispute.pk, by=book.b1, why="Wrong remedy.")
    services.dispute_take(dispute_id=dispute.pk, by=second_arbiter)
    rule(dispute, second_arbiter)
    assert tick()["finalised"] == 1
    assert Dispute.objects.get(pk=dispute.pk).state == "final"


def test_the_beat_task_runs_the_tick_and_is_scheduled(book, beat_schedules):
    file_fill_dispute(book)
    assert tasks.deadlines_tick() == NOTHING
    task = PeriodicTask.objects.get(task="arbitration.deadlines_tick")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 60, "seconds")
