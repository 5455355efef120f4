"""Emails to the people concerned, sent after the transaction commits (Django's mail backend)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from market import roles
from market.models import Membership

from ..models import Dispute


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


def notify(dispute: Dispute, users: Iterable[Any], subject: str, body: str) -> None:
    """Email everyone listed who has an address, once each, when the transaction commits."""
    to = sorted({u.email for u in users if getattr(u, "email", "")})
    if not to:
        return
    link = settings.SITE_URL.rstrip("/") + reverse("disputes:detail", args=[dispute.pk])
    text = f"{body}\n\nDispute #{dispute.pk}: {dispute.round}\nState: {dispute.get_state_display()}"
    text += f"\nOpen it at {link}"
    prefix = f"[Tokenhub] Dispute #{dispute.pk}: "

    def send() -> None:
        send_mail(prefix + subject, text, settings.DEFAULT_FROM_EMAIL, to)

    transaction.on_commit(send)
