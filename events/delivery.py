"""Sending one webhook delivery: sign (Standard Webhooks, HMAC-SHA256), POST, record the
attempt, and schedule the next one with exponential backoff or give up."""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from .models import Attempt, Delivery, Event
from .selectors import event_payload

USER_AGENT = "Tokenhub-Webhooks/1"


def backoff(attempts: int) -> timedelta:
    """Wait before attempt n+1: base × 2^(n-1), capped (10 s, 20 s, 40 s, … at most 1 h)."""
    base = getattr(settings, "WEBHOOK_BACKOFF_SECONDS", 10)
    cap = getattr(settings, "WEBHOOK_BACKOFF_CAP_SECONDS", 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))


def signed_request(event: Event, secret: str, now: datetime) -> tuple[str, dict[str, str]]:
    """The body and headers: `webhook-id` (the event id, the same on every retry, so a
    receiver can drop repeats), `webhook-timestamp` and `webhook-signature`."""
    body = json.dumps(event_payload(event), separators=(",", ":"), sort_keys=True)
    message_id = f"evt_{event.pk}"
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
    }
    return body, headers


@dataclass(frozen=True)
class Sent:
    status_code: int | None
    error: str
    duration_ms: int


def _post(url: str, body: str, headers: dict[str, str]) -> Sent:
    started = time.monotonic()
    timeout = getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)
    try:
        response = requests.post(
            url, data=body.encode(), headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as error:
        elapsed = int((time.monotonic() - started) * 1000)
        return Sent(None, f"{type(error).__name__}: {error}"[:500], elapsed)
    elapsed = int((time.monotonic() - started) * 1000)
    return Sent(response.status_code, "", elapsed)


def webhook_send(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Attempt one due delivery once; idempotent and safe from many workers.

    The delivery row stays locked during the POST (bounded by the timeout), so a second worker
    skips it; one that is not pending or not yet due is left as it is. Returns the delivery
    if this call attempted it (or cancelled it), else None.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription", "event__subject_type")
            .filter(pk=delivery_id)
            .first()
        )
        now = now or timezone.now()
        if delivery is None or not _due(delivery, now):
            return None
        if not delivery.subscription.active:
            delivery.state, delivery.next_attempt_at = Delivery.State.CANCELLED, None
            delivery.save(update_fields=["state", "next_attempt_at"])
            return delivery
        body, headers = signed_request(delivery.event, delivery.subscription.secret, now)
        sent = _post(delivery.subscription.url, body, headers)
        _record(delivery, sent, now)
    return delivery


def _due(delivery: Delivery, now: datetime) -> bool:
    if delivery.state != Delivery.State.PENDING:
        return False
    return delivery.next_attempt_at is None or delivery.next_attempt_at <= now


def _record(delivery: Delivery, sent: Sent, now: datetime) -> None:
    delivery.attempts += 1
    Attempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        status_code=sent.status_code,
        error=sent.error,
        duration_ms=sent.duration_ms,
    )
    if sent.status_code is not None and 200 <= sent.status_code < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            Delivery.State.DELIVERED,
            now,
            None,
        )
    elif delivery.attempts >= max_attempts():
        delivery.state, delivery.next_attempt_at = Delivery.State.FAILED, None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(update_fields=["attempts", "state", "delivered_at", "next_attempt_at"])


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of pending deliveries whose next attempt is due (beat's sweep re-finds them all)."""
    now = now or timezone.now()
    due = Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
    return list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])


def retry_in(delivery: Delivery | None, now: datetime | None = None) -> Any:
    """Seconds until the delivery's next attempt, or None when it is done."""
    if delivery is None or delivery.state != Delivery.State.PENDING:
        return None
    if delivery.next_attempt_at is None:
        return 0
    return max(0.0, (delivery.next_attempt_at - (now or timezone.now())).total_seconds())
