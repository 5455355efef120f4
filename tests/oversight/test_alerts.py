"""Management's alerts fire when a round settles: management and auditors are told in the
bell and inbox (and by e-mail if they asked), once per alert and round, never twice; the
health view lists what was sent."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import Preference
from events.models import Event
from market import roles
from notifications import services as inbox
from notifications import tasks
from notifications.models import Notification
from notifications.selectors import inbox as inbox_of
from notifications.selectors import unread_count
from oversight.models import AlertRaised, HealthAlert, RoundStats
from oversight.services.alerts import alerts_raise
from tests import factories
from tests.api.conftest import next_round_open

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fan_out_now(monkeypatch):
    """The after-commit task runs in-process (the broker is what leaves the process)."""
    monkeypatch.setattr(tasks.fan_out, "delay", lambda ids: tasks.fan_out(ids))


@pytest.fixture
def settle(django_capture_on_commit_callbacks):
    """Settle a round of ``market`` where ``buyer`` bids and ``seller`` asks (None: no order)."""

    def run(market, *, buyer=None, bid=None, seller=None, ask=None):
        round_ = next_round_open(market)
        with django_capture_on_commit_callbacks(execute=True):
            if bid:
                factories.bid(buyer, round_, bid[0], bid[1])
            if ask:
                factories.ask(seller, round_, ask[0], ask[1])
            assert factories.close_and_finish(round_) == "settled"
        return round_

    return run


@pytest.fixture
def people(management, auditor):
    management.email, auditor.email = "management@example.com", "auditor@example.com"
    management.save()
    auditor.save()
    Preference.objects.create(user=management, email_notifications=True)
    return management, auditor


def texts(user):
    return [line.said.text for line in inbox_of(user=user)]


def test_a_price_move_tells_management_and_auditors_once(settle, people):
    management, auditor = people
    market = factories.MarketFactory()
    buyer = factories.trader(D(100))
    seller = factories.trader(D(0), units=20, asset=market.asset)
    lead = buyer  # a division's lead: not told of management's alerts
    HealthAlert.objects.create(kind="price_move", threshold=D("10"))
    settle(market, buyer=buyer, bid=(5, "2.00"), seller=seller, ask=(5, "2.00"))
    assert texts(management) == []  # no earlier price: nothing to compare

    second = settle(market, buyer=buyer, bid=(5, "3.00"), seller=seller, ask=(5, "2.00"))

    expected = (
        f"Round {second.number} of {market.name}: the price moved 25.0%, "
        "from 2.00 to 2.50 (alert above 10.00%)."
    )
    assert texts(management) == [expected]
    assert texts(auditor) == [expected]
    assert unread_count(user=management) == 1
    assert all(e.kind != "health.alert" for e in inbox_of_events(lead))
    assert [m.to for m in mail.outbox if "health" in m.body] == [["management@example.com"]]
    assert "Market-health alert" in mail.outbox[-1].subject


def inbox_of_events(user):
    return [n.event for n in Notification.objects.filter(user=user)]


def test_a_round_with_no_trade_and_a_dominant_buyer_raise_their_alerts(settle, people):
    management, _ = people
    market, other = factories.MarketFactory(), factories.MarketFactory()
    big = factories.trader(D(100))
    small = factories.trader(D(100))
    seller = factories.trader(D(0), units=20, asset=market.asset)
    HealthAlert.objects.create(kind="no_trade", market=market)
    HealthAlert.objects.create(kind="no_trade", market=other)  # another market's: silent
    HealthAlert.objects.create(kind="division_share", threshold=D("70"))

    quiet = settle(market)
    cornered = settle(market, buyer=big, bid=(8, "3.00"), seller=seller, ask=(10, "2.00"))
    factories.bid(small, next_round_open(market), 1, "1.00")  # open round: not settled

    big_name, seller_name = roles.division_of(big).name, roles.division_of(seller).name
    assert texts(management) == [
        f"{big_name} bought 100.0% of the units of round {cornered.number} of {market.name} "
        f"(alert above 70.00%). {seller_name} sold 100.0% of the units of round "
        f"{cornered.number} of {market.name} (alert above 70.00%).",
        f"Round {quiet.number} of {market.name} settled with no trade.",
    ]
    assert AlertRaised.objects.count() == 2


def test_a_share_at_the_threshold_does_not_fire(settle, people):
    management, _ = people
    market = factories.MarketFactory()
    one, two = factories.trader(D(100)), factories.trader(D(100))
    seller = factories.trader(D(0), units=20, asset=market.asset)
    HealthAlert.objects.create(kind="division_share", threshold=D("50"), market=market)
    round_ = next_round_open(market)
    factories.bid(one, round_, 5, "3.00")
    factories.bid(two, round_, 5, "3.00")
    factories.ask(seller, round_, 10, "2.00")
    factories.close_and_finish(round_)

    raised = AlertRaised.objects.get()  # the seller sold 100%; each buyer bought exactly 50%
    assert [row["side"] for row in raised.event.data["over"]] == ["sell"]


def test_nobody_is_told_twice(settle, people):
    management, auditor = people
    market = factories.MarketFactory()
    HealthAlert.objects.create(kind="no_trade")
    round_ = settle(market)
    told, sent = Notification.objects.count(), len(mail.outbox)
    assert (told, sent) == (2, 1)

    ids = list(Event.objects.values_list("pk", flat=True))
    inbox.notifications_fan_out(event_ids=ids)
    inbox.notifications_email(event_ids=ids)
    tasks.sweep()
    stats = RoundStats.objects.get(round=round_)
    assert alerts_raise(round_=round_, stats=stats, shares=[]) == []  # evaluated again: nothing

    assert (Notification.objects.count(), len(mail.outbox)) == (told, sent)
    assert AlertRaised.objects.count() == Event.objects.filter(kind="health.alert").count() == 1


def test_a_lost_fan_out_is_swept_up(people, management):
    HealthAlert.objects.create(kind="no_trade")
    round_ = factories.open_round()
    factories.close_and_finish(round_)  # no on-commit callback runs: the task was "lost"
    assert texts(management) == []

    tasks.sweep()

    assert len(texts(management)) == 1


def test_the_health_view_lists_what_was_sent(settle, people, client):
    management, auditor = people
    market = factories.MarketFactory()
    HealthAlert.objects.create(kind="no_trade")
    round_ = settle(market)
    client.force_login(auditor)

    html = client.get("/oversight/health/").content.decode()

    assert f"Round {round_.number} of {market.name} settled with no trade." in html
    assert 'data-testid="alerts-raised"' in html


def test_an_alert_notification_links_to_the_health_view(settle, people, client):
    management, _ = people
    HealthAlert.objects.create(kind="no_trade")
    settle(factories.MarketFactory())
    client.force_login(management)

    html = client.get("/inbox/").content.decode()

    assert "Market-health alert" in html
    assert 'href="/oversight/health/"' in html


def test_alert_notifications_speak_chinese(settle, people):
    management, _ = people
    Preference.objects.filter(user=management).update(language="zh-hans")
    HealthAlert.objects.create(kind="no_trade")
    settle(factories.MarketFactory())

    (message,) = [m for m in mail.outbox if m.to == ["management@example.com"]]

    assert "市场健康" in message.subject
