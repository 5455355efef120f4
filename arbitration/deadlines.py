"""The deadlines tick: late responses, overdue rulings, and rulings whose appeal window passed.

Each step is a service that locks the dispute and checks the state and clock it finds, so the
tick is idempotent: a repeat, a retry or a second beat changes nothing and emails nobody twice.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Dispute, Party
from .models.disputes import HEARING_STATES, State, system_why, why_display
from .services import dispute_finalise, notify
from .services.case import responses_missing
from .services.transitions import dispute_for_update, move


@transaction.atomic
def dispute_response_lapse(*, dispute_id: int, now: datetime | None = None) -> bool:
    """The response deadline passed: the case goes back under review without the responses."""
    dispute = dispute_for_update(dispute_id)
    now = now or timezone.now()
    if dispute.state != State.AWAITING_RESPONSE or not dispute.response_due:
        return False
    if dispute.response_due >= now:
        return False
    missing = ", ".join(d.record_name for d in responses_missing(dispute)) or "nobody"
    why = system_why(
        "The response deadline passed; no response from %(divisions)s.", divisions=missing
    )
    move(dispute, "resume_review", by=None, why=why)
    users = [*notify.arbiters(dispute), *notify.party_leads(dispute)]
    notify.notify(dispute, users, lambda: _("response deadline passed"), lambda: why_display(why))
    return True


@transaction.atomic
def dispute_flag_overdue(*, dispute_id: int, now: datetime | None = None) -> bool:
    """The ruling is late: flag the case once, escalate it, and tell the people concerned."""
    dispute = dispute_for_update(dispute_id)
    now = now or timezone.now()
    late = dispute.state in HEARING_STATES and dispute.ruling_due and dispute.ruling_due < now
    if not late or dispute.overdue_at is not None:
        return False
    dispute.overdue_at = now
    dispute.escalated_at = dispute.escalated_at or now
    due = dispute.ruling_due
    why = system_why("Overdue: the ruling was due %(due)s.", due=f"{due:%Y-%m-%d %H:%M} UTC")
    move(dispute, "escalate", by=None, why=why)
    users = [*notify.management(), *notify.arbiters(dispute)]
    users += notify.party_leads(dispute, role=Party.Role.FILER)

    def body() -> str:
        return _("Overdue: the ruling was due %(due)s.") % {"due": notify.when(due)}

    notify.notify(dispute, users, lambda: _("ruling overdue"), body)
    return True


def deadlines_run(*, now: datetime | None = None) -> dict[str, int]:
    """One pass over every case with a deadline due; returns how many of each it handled."""
    now = now or timezone.now()
    disputes = Dispute.objects.values_list("pk", flat=True).order_by("pk")
    lapsed = disputes.filter(state=State.AWAITING_RESPONSE, response_due__lt=now)
    overdue = disputes.filter(state__in=HEARING_STATES, ruling_due__lt=now, overdue_at=None)
    final = disputes.filter(
        Q(state=State.RULED, appeal_due__lte=now) | Q(state=State.RULED_ON_APPEAL)
    )
    counts: dict[str, Any] = {
        "responses_lapsed": sum(dispute_response_lapse(dispute_id=pk, now=now) for pk in lapsed),
        "overdue": sum(dispute_flag_overdue(dispute_id=pk, now=now) for pk in overdue),
        "finalised": sum(dispute_finalise(dispute_id=pk, now=now) for pk in final),
    }
    return counts
