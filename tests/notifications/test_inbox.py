"""A lead is told in the product (the bell, the inbox) and by e-mail if they asked for it,
when their orders fill, a round they traded in settles, or a dispute they are party to
changes; fanning out twice tells nobody twice."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Preference
from arbitration import services as disputes
from events.models import Event
from notifications import services, tasks
from notifications.models import Notification
from tests import factories
from tests.arbitration.conftest import claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def fan_out_now(monkeypatch):
    """The after-commit task runs in-process (the broker is what leaves the process)."""
    monkeypatch.setattr(tasks.fan_out, "delay", lambda ids: tasks.fan_out(ids))


@pytest.fixture
def settled(django_capture_on_commit_callbacks, fan_out_now, settings):
    settings.SITE_URL = "https://tokenhub.example"
    round_ = factories.open_round()
    buyer = factories.trader(Decimal("100.00"))
    seller = factories.trader(Decimal(0), units=10, asset=round_.market.asset)
    buyer.email, seller.email = "buyer@example.com", "seller@example.com"
    buyer.save()
    seller.save()
    Preference.objects.create(user=buyer, email_notifications=True)
    with django_capture_on_commit_callbacks(execute=True):
        factories.bid(buyer, round_, 6, "3.00")
        factories.ask(seller, round_, 5, "2.00")
        factories.close_and_finish(round_)
    return round_, buyer, seller


def said(user):
    return sorted(n.event.kind for n in Notification.objects.filter(user=user))


def test_both_leads_are_told_their_orders_filled_and_the_round_settled(settled):
    round_, buyer, seller = settled
    assert said(buyer) == ["order.filled", "round.settled"]
    assert said(seller) == ["order.filled", "round.settled"]
    bystander = factories.trader(Decimal("5.00"))
    assert said(bystander) == []


def test_only_who_asked_gets_e_mails_with_absolute_links(settled):
    round_, buyer, seller = settled
    assert {m.to[0] for m in mail.outbox} == {"buyer@example.com"}
    bodies = "\n".join(m.body for m in mail.outbox)
    assert f"https://tokenhub.example/rounds/{round_.pk}/" in bodies
    assert "Your bid bought 5 at 2.50 (12.50 credits)" in bodies


def test_fanning_out_again_tells_nobody_twice(settled):
    round_, buyer, _ = settled
    before, sent = Notification.objects.count(), len(mail.outbox)
    ids = list(Event.objects.values_list("pk", flat=True))
    services.notifications_fan_out(event_ids=ids)
    services.notifications_email(event_ids=ids)
    assert (Notification.objects.count(), len(mail.outbox)) == (before, sent)


def test_a_lost_fan_out_is_swept_up(db):
    round_ = factories.open_round()
    buyer = factories.trader(Decimal("100.00"))
    seller = factories.trader(Decimal(0), units=10, asset=round_.market.asset)
    factories.bid(buyer, round_, 6, "3.00")
    factories.ask(seller, round_, 5, "2.00")
    factories.close_and_finish(round_)  # no on-commit callbacks run: the task was "lost"
    assert said(buyer) == []
    assert tasks.sweep() == 4
    assert said(buyer) == ["order.filled", "round.settled"]
    assert tasks.sweep() == 0


def test_the_bell_counts_unread_and_the_inbox_marks_them_read(settled, client):
    _, buyer, _ = settled
    client.force_login(buyer)
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="bell"' in page
    assert '<span class="count">2</span>' in page
    inbox = client.get("/inbox/").content.decode()
    assert "Your order filled" in inbox
    assert "A round you traded in settled" in inbox
    client.post("/inbox/read/")
    assert '<span class="count">' not in client.get("/dashboard/").content.decode()
    assert client.post("/inbox/read/", {"notification": "１"}).status_code == 302


def test_the_counterparty_is_told_when_a_dispute_is_filed(
    settled, django_capture_on_commit_callbacks
):
    round_, buyer, seller = settled
    fill = round_.fills.get(division=buyer.membership.division)
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_file(user=buyer, claim=claim(), fill_id=fill.pk)
    assert "dispute.changed" in said(seller)
    client_text = [
        n for n in Notification.objects.filter(user=seller, event__kind="dispute.changed")
    ]
    assert client_text


def test_the_inbox_reads_in_chinese(settled, client):
    _, buyer, _ = settled
    client.force_login(buyer)
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Your order filled" not in page
