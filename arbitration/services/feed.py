"""Every change to a dispute goes to its parties' event feeds (events/), in the same
transaction: filed, each state move, evidence, a response, a message."""

from events.models import Event
from events.services import Draft, events_emit

from ..models import Dispute, Party


def dispute_changed(dispute: Dispute, *, action: str, source: str = "") -> None:
    """One `dispute.changed` event to each party division; `action` says what happened
    (file, take, request_response, rule, appeal, withdraw, evidence, response, message…)."""
    parties = Party.objects.filter(dispute=dispute).values_list("division_id", flat=True)
    data = {
        "dispute": dispute.pk,
        "action": action,
        "state": str(dispute.state),
        "source": str(source or dispute.state),
        "round": dispute.round_id,
        "fill": dispute.fill_id,
    }
    events_emit(
        drafts=[
            Draft(Event.Kind.DISPUTE_CHANGED, division_id, Dispute, dispute.pk, data)
            for division_id in sorted(parties)
        ]
    )
