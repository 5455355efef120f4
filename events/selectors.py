"""Reads: a division's events in commit-safe order, its webhooks and their deliveries."""

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from .audience import Audience, audience_of
from .errors import EventsError
from .models import Attempt, Delivery, Event, Subscription

PAGE = 100


def event_payload(event: Event) -> dict[str, Any]:
    """What the feed lists and a webhook sends: the same object."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "division": event.division_id,
        "subject": {"type": event.subject_type.model, "id": _subject_id(event)},
        "data": event.data,
        "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
    }


def _subject_id(event: Event) -> str:
    """Orders are named by their public id (in the event's data), never their database id."""
    if event.subject_type.model == "order" and "order" in event.data:
        return str(event.data["order"])
    if event.subject_type.model == "bundle" and "bundle" in event.data:
        return str(event.data["bundle"])
    return str(event.subject_id)


def cursor_parse(text: str) -> tuple[int, int]:
    """A cursor is "<txid>-<id>" of the last event read; anything else is a 400."""
    left, dash, right = (text or "").partition("-")
    ok = dash and left.isascii() and right.isascii() and left.isdigit() and right.isdigit()
    if not ok or len(text) > 40:
        raise EventsError(
            _("Not a cursor: send back the `cursor` of the last page."), field="after"
        )
    return int(left), int(right)


def cursor_of(event: Event) -> str:
    return f"{event.txid}-{event.pk}"


def _visible(audience: Audience, division_id: int | None) -> QuerySet[Event]:
    events = Event.objects.select_related("subject_type")
    if audience.sees_all:
        return events.filter(division_id=division_id) if division_id else events
    if audience.division_id is None:
        return events.none()
    return events.filter(division_id=audience.division_id)


def _committed_q() -> Q | None:
    """Events below the oldest transaction still running have all committed (or never will),
    so a reader that moves its cursor past them never skips one that commits late; its own
    transaction's events it sees too. SQLite writes one transaction at a time: no filter."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint,"
            " pg_current_xact_id_if_assigned()::text::bigint"
        )
        below, own = cursor.fetchone()
    return Q(txid__lt=int(below)) | Q(txid=own) if own is not None else Q(txid__lt=int(below))


@dataclass(frozen=True)
class FeedPage:
    events: list[Event]
    cursor: str | None  # pass back as `after` for the next page; None: nothing read yet
    has_more: bool


def events_feed(
    *,
    user: Any,
    after: str = "",
    kind: str = "",
    division_id: int | None = None,
    limit: int = PAGE,
) -> FeedPage:
    """The user's division's events after a cursor, oldest first, in commit-safe order."""
    events = _visible(audience_of(user), division_id)
    if kind:
        events = events.filter(kind=kind)
    if after:
        txid, pk = cursor_parse(after)
        events = events.filter(Q(txid__gt=txid) | Q(txid=txid, id__gt=pk))
    committed = _committed_q()
    if committed is not None:
        events = events.filter(committed)
    page = list(events.order_by("txid", "id")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    cursor = cursor_of(page[-1]) if page else (after or None)
    return FeedPage(page, cursor, more)


def subscriptions_for(user: Any) -> QuerySet[Subscription]:
    audience = audience_of(user)
    subscriptions = Subscription.objects.all()
    if audience.sees_all:
        return subscriptions
    if audience.division_id is None:
        return subscriptions.none()
    return subscriptions.filter(division_id=audience.division_id)


def deliveries_of(*, user: Any, subscription_id: int) -> QuerySet[Delivery]:
    """A visible subscription's deliveries, newest first, each with its attempts."""
    attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("number"))
    return (
        Delivery.objects.filter(
            subscription__in=subscriptions_for(user), subscription_id=subscription_id
        )
        .select_related("event")
        .prefetch_related(attempts)
        .order_by("-id")
    )
