"""Fanning events out to the people of their division, and telling them by e-mail if they
asked for it. Idempotent: a repeat, a retry or a second worker tells nobody twice."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import speaking_to
from events.models import Event
from market import roles
from market.models import Membership

from .messages import describe
from .models import FannedOut, Notification

log = logging.getLogger("tokenhub.notifications")
SWEEP_WINDOW = timedelta(days=1)


@transaction.atomic
def notifications_fan_out(*, event_ids: list[int]) -> int:
    """One notification per event and member of its division (an event without a division, a
    market-health alert: per manager and auditor); e-mails (after the commit) to those who
    want them. Two workers fanning out the same events make each row once: the
    fan-out marker and the notifications are unique, inserted with ON CONFLICT DO NOTHING."""
    events = list(
        Event.objects.filter(pk__in=event_ids).exclude(fanned_out__isnull=False).order_by("pk")
    )
    if not events:
        return 0
    FannedOut.objects.bulk_create([FannedOut(event=e) for e in events], ignore_conflicts=True)
    members: dict[int | None, list[int]] = {}
    for division_id, user_id in Membership.objects.filter(
        division_id__in={e.division_id for e in events}, user__is_active=True
    ).values_list("division_id", "user_id"):
        members.setdefault(division_id, []).append(user_id)
    if any(e.division_id is None for e in events):
        members[None] = _overseers()
    made = Notification.objects.bulk_create(
        [Notification(user_id=u, event=e) for e in events for u in members.get(e.division_id, [])],
        ignore_conflicts=True,
    )
    ids = [e.pk for e in events]
    transaction.on_commit(lambda: notifications_email(event_ids=ids))
    return len(made)


def _overseers() -> list[int]:
    """Management and auditors (and superusers, who are management): their user ids."""
    wanted = Q(is_superuser=True) | Q(groups__name__in=[roles.MANAGEMENT, roles.AUDITOR])
    users = get_user_model().objects.filter(wanted, is_active=True).distinct()
    return list(users.order_by("pk").values_list("pk", flat=True))


def notifications_email(*, event_ids: list[int]) -> int:
    """E-mail each notification of these events not yet e-mailed, to people who opted in;
    each row is locked and marked in its own transaction, so a retry sends nothing twice."""
    sent = 0
    pending = Notification.objects.filter(
        event_id__in=event_ids,
        emailed_at__isnull=True,
        user__preference__email_notifications=True,
    ).exclude(user__email="")
    for pk in pending.values_list("pk", flat=True):
        sent += _email_one(pk)
    return sent


@transaction.atomic
def _email_one(notification_id: int) -> int:
    row = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("user__preference", "event")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if row is None:
        return 0
    with speaking_to(row.user):
        said = describe(row.event)
        subject = f"[Tokenhub] {said.title}"
        body = f"{said.text}\n\n{settings.SITE_URL.rstrip('/')}{said.link}\n"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [row.user.email])
    row.emailed_at = timezone.now()
    row.save(update_fields=["emailed_at"])
    log.info("notification e-mailed", extra={"notification_id": row.pk, "event_id": row.event_id})
    return 1


def notifications_sweep() -> list[int]:
    """Events of the last day not fanned out yet (their task was lost): their ids."""
    since = timezone.now() - SWEEP_WINDOW
    events = Event.objects.filter(created_at__gte=since, fanned_out__isnull=True)
    return list(events.order_by("pk").values_list("pk", flat=True)[:5000])


@transaction.atomic
def notifications_read(*, user: Any, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications, or all of them, read."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())
