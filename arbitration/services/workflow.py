"""Management's and the parties' moves through the case: take, request a response, escalate,
withdraw, appeal and finalise. Each is atomic, locks the dispute, and records the move."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from market.errors import InvalidState, NotAllowed
from tokenhub import formatting as fmt

from .. import access
from ..models import Dispute, Party
from ..models.disputes import State, system_why, why_display
from . import notify
from .case import responses_missing
from .transitions import dispute_for_update, move


def acting_arbiter(dispute: Dispute, user: Any) -> None:
    """Refuses anyone but the arbiter who took the case (the appeal's arbiter on appeal)."""
    access.require_management(user)
    arbiter = dispute.appeal_arbiter if dispute.state == State.APPEALED else dispute.arbiter
    if arbiter is None:
        raise InvalidState(
            _("Dispute #%(id)s has no arbiter yet: take the case first.") % {"id": dispute.pk}
        )
    if arbiter.pk != user.pk:
        raise NotAllowed(
            _("Only the arbiter who took dispute #%(id)s (%(arbiter)s) may do this.")
            % {"id": dispute.pk, "arbiter": arbiter}
        )


@transaction.atomic
def dispute_take(*, dispute_id: int, by: Any, why: str = "") -> Dispute:
    """An arbiter from management takes a filed case, or a different one takes its appeal."""
    access.require_management(by)
    dispute = dispute_for_update(dispute_id)
    if dispute.state == State.APPEALED:
        if dispute.appeal_arbiter is not None:
            raise InvalidState(
                _("The appeal is already taken by %(arbiter)s.")
                % {"arbiter": dispute.appeal_arbiter}
            )
        if dispute.arbiter_id == by.pk:
            raise NotAllowed(
                _("An appeal is heard by a different arbiter than %(arbiter)s, who ruled first.")
                % {"arbiter": by}
            )
        dispute.appeal_arbiter = by
        move(
            dispute,
            "take_appeal",
            by=by,
            why=why or system_why("Appeal taken by %(user)s.", user=by),
        )
        return dispute
    dispute.arbiter = by
    move(dispute, "take", by=by, why=why or system_why("Taken by %(user)s.", user=by))
    return dispute


@transaction.atomic
def dispute_request_response(*, dispute_id: int, by: Any, why: str = "") -> Dispute:
    """The arbiter asks the counterparties to respond; the response deadline starts now."""
    dispute = dispute_for_update(dispute_id)
    acting_arbiter(dispute, by)
    missing = responses_missing(dispute)
    if not missing:
        raise InvalidState(_("Every counterparty has already responded."))
    dispute.response_due = timezone.now() + timedelta(hours=dispute.market.response_hours)
    move(
        dispute,
        "request_response",
        by=by,
        why=why
        or system_why(
            "Response requested from %(divisions)s.",
            divisions=", ".join(d.record_name for d in missing),
        ),
    )

    def body() -> str:
        asks = _("The arbiter asks for your response by %(due)s.") % {
            "due": fmt.when(dispute.response_due)
        }
        return f"{asks}\n\n{why}".strip()

    users = notify.party_leads(dispute, role=Party.Role.COUNTERPARTY)
    notify.notify(dispute, users, lambda: _("your response is requested"), body)
    return dispute


@transaction.atomic
def dispute_escalate(*, dispute_id: int, by: Any = None, why: str) -> Dispute:
    """Flag a case for management's attention; by None when the deadlines task escalates."""
    if by is not None:
        access.require_management(by)
    dispute = dispute_for_update(dispute_id)
    dispute.escalated_at = dispute.escalated_at or timezone.now()
    move(dispute, "escalate", by=by, why=why)
    users = [*notify.management(), *notify.arbiters(dispute)]
    notify.notify(dispute, users, lambda: _("escalated"), lambda: why_display(why))
    return dispute


@transaction.atomic
def dispute_withdraw(*, dispute_id: int, by: Any, why: str = "") -> Dispute:
    """The filer's lead withdraws the dispute before it is ruled on."""
    dispute = dispute_for_update(dispute_id)
    access.lead_of_party(by, dispute, role=Party.Role.FILER)
    move(
        dispute,
        "withdraw",
        by=by,
        why=why or system_why("Withdrawn by %(division)s.", division=dispute.filer.record_name),
    )
    users = [*notify.party_leads(dispute), *notify.arbiters(dispute)]
    notify.notify(dispute, users, lambda: _("withdrawn"), why)
    return dispute


@transaction.atomic
def dispute_appeal(*, dispute_id: int, by: Any, why: str) -> Dispute:
    """A party's lead appeals the ruling within the appeal window; one appeal per case."""
    dispute = dispute_for_update(dispute_id)
    membership = access.lead_of_party(by, dispute)
    if dispute.appealed_at is not None:
        raise InvalidState(
            _("This case has already been appealed once; the appeal ruling is final.")
        )
    if not why.strip():
        raise InvalidState(_("Say why the ruling should be changed."))
    if dispute.state == State.RULED and dispute.appeal_due and dispute.appeal_due < timezone.now():
        raise InvalidState(
            _("The appeal window closed at %(due)s.") % {"due": fmt.when(dispute.appeal_due)}
        )
    move(dispute, "appeal", by=by, why=why.strip())
    dispute.appealed_at = timezone.now()
    dispute.ruling_due = dispute.appealed_at + timedelta(hours=dispute.market.ruling_hours)
    dispute.appeal_due, dispute.overdue_at = None, None
    dispute.save()

    def body() -> str:
        return _("%(division)s appealed: %(why)s") % {
            "division": membership.division,
            "why": why.strip(),
        }

    users = [*notify.party_leads(dispute), *notify.management()]
    notify.notify(dispute, users, lambda: _("appealed"), body)
    return dispute


@transaction.atomic
def dispute_finalise(*, dispute_id: int, by: Any = None, now: datetime | None = None) -> bool:
    """Make a ruling final once its appeal window has passed (at once after an appeal ruling).

    Idempotent: returns False and changes nothing when the case is not due.
    """
    dispute = dispute_for_update(dispute_id)
    now = now or timezone.now()
    due = dispute.state == State.RULED_ON_APPEAL or (
        dispute.state == State.RULED
        and dispute.appeal_due is not None
        and dispute.appeal_due <= now
    )
    if not due:
        return False
    why = system_why(
        "No further appeal."
        if dispute.state == State.RULED_ON_APPEAL
        else "The appeal window passed."
    )
    move(dispute, "finalise", by=by, why=why)
    notify.notify(
        dispute,
        notify.party_leads(dispute),
        lambda: _("the ruling is final"),
        lambda: why_display(why),
    )
    return True
