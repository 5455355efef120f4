"""Writing events (in the caller's transaction) and managing a division's webhooks."""

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .audience import audience_of
from .errors import Conflict, EventsError, NotAllowed, NotFound
from .models import Delivery, Event, Subscription

MAX_SUBSCRIPTIONS = 10
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
KICK_EACH_UP_TO = 50  # more new deliveries than this: one sweep task instead of one task each


@dataclass(frozen=True)
class Draft:
    """An event to write: its kind, the division it is for, the object it is about."""

    kind: str
    division_id: int | None  # None: for management and auditors (no division's feed)
    subject: type[models.Model]
    subject_id: int
    data: dict[str, Any] = field(default_factory=dict)


def _txid() -> int:
    """The writing transaction's id on PostgreSQL (the feed reads in commit-safe order)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return int(cursor.fetchone()[0])


def events_emit(*, drafts: Sequence[Draft]) -> list[Event]:
    """Write the events and their webhook deliveries in the caller's transaction.

    Must run inside the transaction that makes the change (the events commit with it or not
    at all); the deliveries are sent after the commit.
    """
    if not drafts:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("events_emit runs inside the transaction that makes the change.")
    txid, now = _txid(), timezone.now()
    types = {d.subject: ContentType.objects.get_for_model(d.subject) for d in drafts}
    events = Event.objects.bulk_create(
        [
            Event(
                kind=d.kind,
                division_id=d.division_id,
                subject_type=types[d.subject],
                subject_id=d.subject_id,
                data=d.data,
                created_at=now,
                txid=txid,
            )
            for d in drafts
        ],
        batch_size=2000,
    )
    _fan_out(events, now)
    _after_commit([e.pk for e in events])
    return events


_EMIT_SELECT = """
INSERT INTO events_event (kind, division_id, subject_type_id, subject_id, data, created_at, txid)
SELECT %s, s.division_id, %s, s.subject_id, s.data, %s, pg_current_xact_id()::text::bigint
FROM ({select}) AS s (division_id, subject_id, data)
RETURNING id, division_id
"""


def events_emit_select(
    *, kind: str, subject: type[models.Model], select: str, params: Sequence[Any]
) -> int:
    """Write one event per row of ``select`` (division id, subject id, data as jsonb), in its
    order, with one statement and no object per event: ``events_emit`` for big batches
    (a round's fills). PostgreSQL only; the caller's transaction, as ``events_emit``."""
    if connection.vendor != "postgresql":
        raise RuntimeError("events_emit_select writes with PostgreSQL's SQL; use events_emit.")
    if not connection.in_atomic_block:
        raise RuntimeError("events_emit_select runs inside the transaction that makes the change.")
    subject_type = ContentType.objects.get_for_model(subject)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _EMIT_SELECT.format(select=select), [str(kind), subject_type.pk, now, *params]
        )
        rows = cursor.fetchall()
    if not rows:
        return 0
    _fan_out_rows([(pk, division_id, kind) for pk, division_id in rows], now)
    _after_commit([row[0] for row in rows])
    return len(rows)


def _after_commit(event_ids: list[int]) -> None:
    """Hand the new events' ids to settings.EVENTS_AFTER_COMMIT (the inbox) once committed."""
    hook = getattr(settings, "EVENTS_AFTER_COMMIT", "")
    if hook:
        transaction.on_commit(lambda: import_string(hook)(event_ids), robust=True)


def _fan_out(events: list[Event], now: Any) -> None:
    _fan_out_rows([(e.pk, e.division_id, e.kind) for e in events], now)


def _fan_out_rows(events: Sequence[tuple[int, int | None, str]], now: Any) -> None:
    """A delivery of each event (id, division id, kind) to each subscription that wants it."""
    divisions = {event[1] for event in events if event[1] is not None}
    if not divisions:  # management's events (health alerts) go to no division's webhooks
        return
    subscriptions = list(Subscription.objects.filter(active=True, division_id__in=divisions))
    if not subscriptions:
        return
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(subscription=s, event_id=pk, next_attempt_at=now)
            for pk, division_id, kind in events
            for s in subscriptions
            if s.division_id == division_id and s.wants(kind)
        ],
        batch_size=2000,
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _kick(ids))


def _kick(delivery_ids: list[int]) -> None:
    from . import tasks  # the tasks import this module

    if len(delivery_ids) > KICK_EACH_UP_TO:
        tasks.webhooks_due.delay()
        return
    for delivery_id in delivery_ids:
        tasks.webhook_deliver.delay(delivery_id)


def webhook_url_check(url: str) -> str:
    """HTTPS only; plain http to this machine only when WEBHOOKS_ALLOW_LOCAL_HTTP (DEBUG, tests)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise EventsError(_("Enter a valid https:// address."), field="url") from None
    local = parts.scheme == "http" and host in LOCAL_HOSTS
    if local and getattr(settings, "WEBHOOKS_ALLOW_LOCAL_HTTP", False):
        return url
    if parts.scheme != "https" or not host or len(url) > 500 or parts.username:
        raise EventsError(
            _("Webhooks are sent to https:// addresses only (up to 500 characters)."),
            field="url",
        )
    return url


def _kinds(kinds: Sequence[str]) -> list[str]:
    wanted = sorted(set(kinds))
    unknown = [kind for kind in wanted if kind not in Event.Kind.values]
    if unknown:
        raise EventsError(
            _("Unknown event kind(s): %(kinds)s.") % {"kinds": ", ".join(unknown)}, field="kinds"
        )
    return wanted


def _new_secret() -> str:
    """Standard Webhooks' form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@transaction.atomic
def subscription_create(*, user: Any, url: str, kinds: Sequence[str] = ()) -> Subscription:
    """The division's lead subscribes an endpoint; its secret is returned on this object once."""
    audience = audience_of(user)
    if audience.division_id is None or not audience.manages:
        raise NotAllowed(_("Only a division's lead may subscribe its webhooks."))
    checked, wanted = webhook_url_check(url), _kinds(kinds)
    active = Subscription.objects.select_for_update().filter(
        division_id=audience.division_id, active=True
    )
    same = next((other for other in active if other.url == checked), None)
    if same is not None:  # a retried request must not subscribe the endpoint twice
        raise Conflict(
            _("This endpoint is already subscribed (webhook #%(id)s).") % {"id": same.pk},
            field="url",
        )
    if len(active) >= MAX_SUBSCRIPTIONS:
        raise EventsError(
            _("Your division has %(count)s active webhooks, the most allowed; end one first.")
            % {"count": MAX_SUBSCRIPTIONS},
            field="url",
        )
    return Subscription.objects.create(
        division_id=audience.division_id,
        url=checked,
        kinds=wanted,
        secret=_new_secret(),
        created_by=user,
    )


@transaction.atomic
def subscription_end(*, user: Any, subscription_id: int) -> Subscription:
    """The division's lead or management ends a webhook; its pending deliveries are cancelled
    (the events stay in the feed). Ending it twice changes nothing."""
    audience = audience_of(user)
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    own = subscription is not None and subscription.division_id == audience.division_id
    if subscription is None or not (own or audience.sees_all):
        raise NotFound()
    if not ((own and audience.manages) or audience.management):
        raise NotAllowed(_("Only the division's lead or management may end its webhooks."))
    if subscription.active:
        subscription.active, subscription.deactivated_at = False, timezone.now()
        subscription.save(update_fields=["active", "deactivated_at"])
        subscription.deliveries.filter(state=Delivery.State.PENDING).update(
            state=Delivery.State.CANCELLED, next_attempt_at=None
        )
    return subscription
