"""Webhooks against a real HTTP server on 127.0.0.1: signed, retried with backoff, every
attempt recorded and visible; the feed keeps every event whatever happens to a delivery."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from events import delivery as sending
from events import tasks
from events.models import Delivery
from tests import factories
from tests.api.conftest import session_client, token_client


class Receiver:
    """A local endpoint that answers each POST with the next status in `statuses`."""

    def __init__(self, statuses):
        self.statuses, self.received = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body.decode()))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def local_http(settings):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = True


@pytest.fixture
def scheduled(monkeypatch):
    """The retries the task schedules (no broker in these tests)."""
    calls = []
    monkeypatch.setattr(
        tasks.webhook_deliver, "apply_async", lambda args, countdown: calls.append(countdown)
    )
    monkeypatch.setattr(tasks.webhook_deliver, "delay", lambda *args: None)
    return calls


def subscribe(user, url):
    response = token_client(user).post("/api/webhooks/", {"url": url}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_fill_is_delivered_signed_after_a_failed_attempt(
    local_http, scheduled, division, other_division, lead, other_lead
):
    receiver = Receiver([503, 200])
    try:
        # given: the division subscribes its endpoint
        hook = subscribe(lead, receiver.url)
        assert hook["secret"].startswith("whsec_")
        # when: its bid fills
        factories.funded(division)
        round_ = factories.open_round()
        factories.stocked(other_division, round_.market.asset, 10)
        factories.bid(lead, round_, 4, "2.00")
        factories.ask(other_lead, round_, 4, "1.00")
        factories.close_and_finish(round_)
        filled = Delivery.objects.get(event__kind="order.filled", subscription_id=hook["id"])
        # then: the first attempt gets a 503 and the task schedules the next in 10 s
        assert tasks.webhook_deliver(filled.pk) == "pending"
        assert len(scheduled) == 1
        assert 9 < scheduled[0] <= 10
        assert tasks.webhook_deliver(filled.pk) == "not due"  # a repeat sends nothing
        assert len(receiver.received) == 1
        # and: the retry, once due, lands
        later = timezone.now() + timedelta(seconds=11)
        sending.webhook_send(delivery_id=filled.pk, now=later)
        assert len(receiver.received) == 2
        headers, body = receiver.received[1]
        event = Webhook(hook["secret"]).verify(body, headers)
        assert headers["webhook-id"] == receiver.received[0][0]["webhook-id"]
        # the webhook carries exactly the feed's event
        feed = token_client(lead).get("/api/events/").json()["results"]
        assert event == next(e for e in feed if e["kind"] == "order.filled")
        # every attempt is visible to the division
        seen = token_client(lead).get(f"/api/webhooks/{hook['id']}/deliveries/").json()
        mine = next(d for d in seen["results"] if d["id"] == filled.pk)
        assert mine["state"] == "delivered"
        assert [a["status_code"] for a in mine["attempt_log"]] == [503, 200]
    finally:
        receiver.close()


def test_a_tampered_body_fails_verification(local_http, scheduled, book, lead):
    receiver = Receiver([200])
    try:
        hook = subscribe(lead, receiver.url)
        from arbitration.models import Dispute  # noqa: F401 - any event will do
        from tests.api.conftest import file_dispute

        file_dispute(lead, book.fill)
        delivery = Delivery.objects.get(subscription_id=hook["id"])
        tasks.webhook_deliver(delivery.pk)
        headers, body = receiver.received[0]
        with pytest.raises(Exception, match="signature"):
            Webhook(hook["secret"]).verify(body.replace("file", "fake"), headers)
        assert json.loads(body)["data"]["action"] == "file"
    finally:
        receiver.close()


def test_an_endpoint_that_is_down_is_retried_with_backoff_then_given_up(
    local_http, scheduled, settings, book, lead
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver = Receiver([])
    url = receiver.url
    receiver.close()  # nothing listens there any more
    hook = subscribe(lead, url)
    from tests.api.conftest import file_dispute

    file_dispute(lead, book.fill)
    delivery = Delivery.objects.get(subscription_id=hook["id"])
    now = timezone.now()
    for wait in (0, 10, 20):
        now += timedelta(seconds=wait)
        sending.webhook_send(delivery_id=delivery.pk, now=now)
        delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert delivery.attempt_log.count() == 3
    assert all(a.status_code is None and a.error for a in delivery.attempt_log.all())
    # the feed still has the event: a missed webhook is never a lost event
    feed = token_client(lead).get("/api/events/", {"kind": "dispute.changed"}).json()
    assert [e["id"] for e in feed["results"]] == [delivery.event_id]


def test_backoff_doubles_up_to_its_cap():
    assert [sending.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert sending.backoff(30).total_seconds() == 3600


@pytest.mark.parametrize(
    "url",
    ["http://bots.example.com/hook", "ftp://x", "https://", "https://user:pw@example.com/"],
)
def test_only_https_endpoints_are_accepted(lead, url):
    response = token_client(lead).post("/api/webhooks/", {"url": url}, format="json")
    assert response.status_code == 400
    assert "https://" in response.json()["errors"]["url"][0]


def test_plain_http_to_this_machine_only_when_allowed(lead, settings):
    settings.WEBHOOKS_ALLOW_LOCAL_HTTP = False
    response = token_client(lead).post(
        "/api/webhooks/", {"url": "http://127.0.0.1:9/hook"}, format="json"
    )
    assert response.status_code == 400


def test_who_may_subscribe_and_end_a_webhook(lead, member, other_lead, management, auditor):
    url = "https://bots.example.com/tokenhub"
    assert (
        session_client(member).post("/api/webhooks/", {"url": url}, format="json").status_code
        == 403
    )
    assert (
        session_client(auditor).post("/api/webhooks/", {"url": url}, format="json").status_code
        == 403
    )
    hook = subscribe(lead, url)
    again = token_client(lead).post("/api/webhooks/", {"url": url}, format="json")
    assert again.status_code == 409  # a retried request does not subscribe twice
    end = f"/api/webhooks/{hook['id']}/end/"
    assert session_client(other_lead).post(end).status_code == 404
    assert session_client(member).get(f"/api/webhooks/{hook['id']}/").status_code == 200
    assert session_client(member).post(end).status_code == 403
    assert session_client(auditor).post(end).status_code == 403
    ended = session_client(management).post(end)
    assert ended.json()["active"] is False, ended.content
    assert session_client(lead).post(end).status_code == 200  # ending twice changes nothing
