"""Emails to the people concerned, sent after the transaction commits (Django's mail backend).

Each recipient reads the e-mail in their own language and time zone (accounts.Preference): the
subject and body are given as callables, evaluated once per (language, time zone) group.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import preference_for, speaking_to
from market import roles
from market.models import Membership
from tokenhub import formatting

from ..models import Dispute

Text = str | Callable[[], str]


def party_leads(dispute: Dispute, *, role: str | None = None) -> list[Any]:
    parties = dispute.parties.all()
    if role is not None:
        parties = parties.filter(role=role)
    memberships = Membership.objects.filter(
        division__in=parties.values("division"), role=Membership.Role.LEAD
    ).select_related("user")
    return [m.user for m in memberships]


def management() -> list[Any]:
    return list(
        get_user_model().objects.filter(groups__name=roles.MANAGEMENT, is_active=True).distinct()
    )


def arbiters(dispute: Dispute) -> list[Any]:
    found = [u for u in (dispute.arbiter, dispute.appeal_arbiter) if u is not None]
    return found or management()


def _say(text: Text) -> str:
    return text() if callable(text) else text


def compose(dispute: Dispute, subject: Text, body: Text) -> tuple[str, str]:
    """The e-mail's subject and text in the active language and time zone."""
    link = settings.SITE_URL.rstrip("/") + reverse("disputes:detail", args=[dispute.pk])
    values = {
        "id": dispute.pk,
        "round": dispute.round,
        "state": dispute.get_state_display(),
        "link": link,
    }
    footer = _("Dispute #%(id)s: %(round)s\nState: %(state)s\nOpen it at %(link)s") % values
    prefix = _("[Tokenhub] Dispute #%(id)s: ") % values
    return prefix + _say(subject), f"{_say(body)}\n\n{footer}"


def when(moment: Any) -> str:
    """A deadline in the reader's time zone, with the zone."""
    return formatting.when(moment)


def notify(dispute: Dispute, users: Iterable[Any], subject: Text, body: Text) -> None:
    """Email everyone listed who has an address, once each, when the transaction commits:
    one e-mail per language and time zone, each written in them."""
    readers: dict[str, Any] = {}
    for user in users:
        if getattr(user, "email", ""):
            readers.setdefault(user.email, user)
    if not readers:
        return
    groups: dict[tuple[str, str], list[Any]] = {}
    for address in sorted(readers):
        preference = preference_for(readers[address])
        key = (preference.language or settings.LANGUAGE_CODE, preference.time_zone)
        groups.setdefault(key, []).append(readers[address])
    mails = []
    for members in groups.values():
        with speaking_to(members[0]):
            mails.append((*compose(dispute, subject, body), [u.email for u in members]))

    def send() -> None:
        for title, text, to in mails:
            send_mail(title, text, settings.DEFAULT_FROM_EMAIL, to)

    transaction.on_commit(send)
