"""Moving a dispute between states: under a row lock, through the model's declared transitions,
with a `DisputeEvent` for every move (who, when, from, to, why)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed, can_proceed

from market.errors import InvalidState

from ..models import Dispute, DisputeEvent
from ..models.disputes import State
from .feed import dispute_changed

VERBS = {
    "take": gettext_lazy("taken"),
    "take_appeal": gettext_lazy("taken on appeal"),
    "request_response": gettext_lazy("sent for a response"),
    "resume_review": gettext_lazy("returned to review"),
    "escalate": gettext_lazy("escalated"),
    "rule": gettext_lazy("ruled on"),
    "appeal": gettext_lazy("appealed"),
    "rule_on_appeal": gettext_lazy("ruled on appeal"),
    "finalise": gettext_lazy("made final"),
    "withdraw": gettext_lazy("withdrawn"),
}


class IllegalTransition(InvalidState):
    """A transition the dispute's current state does not allow."""

    code = "illegal_transition"


def dispute_for_update(dispute_id: int) -> Dispute:
    return Dispute.objects.select_for_update().get(pk=dispute_id)


def allowed_from(action: str) -> list[State]:
    """The states an action may start from, in the order of the state machine."""
    field: Any = Dispute._meta.get_field("state")
    sources = {t.source for t in field.get_all_transitions(Dispute) if t.name == action}
    return [state for state in State if state in sources]


def _illegal(dispute: Dispute, action: str) -> IllegalTransition:
    allowed = _(" or ").join(str(state.label).lower() for state in allowed_from(action))
    return IllegalTransition(
        _("Dispute #%(id)s is %(state)s: it cannot be %(verb)s (only when %(allowed)s).")
        % {
            "id": dispute.pk,
            "state": str(State(dispute.state).label).lower(),
            "verb": VERBS[action],
            "allowed": allowed,
        }
    )


def require(dispute: Dispute, action: str) -> None:
    """Refuse early, with the same message, when the state does not allow the action."""
    if not can_proceed(getattr(dispute, action)):
        raise _illegal(dispute, action)


def move(dispute: Dispute, action: str, *, by: Any, why: str = "") -> DisputeEvent:
    """Apply one transition and record it; raises IllegalTransition with a clear message."""
    source = dispute.state
    try:
        getattr(dispute, action)()
    except TransitionNotAllowed:
        raise _illegal(dispute, action) from None
    if dispute.state in (State.FINAL, State.WITHDRAWN):
        dispute.closed_at = timezone.now()
    dispute.save()
    dispute_changed(dispute, action=action, source=source)
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        source=source,
        target=dispute.state,
        by=by if getattr(by, "is_authenticated", False) else None,
        why=why,
    )
