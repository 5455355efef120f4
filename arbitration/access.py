"""Who may see and act on a dispute: its parties' people and management; auditors read.

Server-side checks used by views, admin and services alike.
"""

from typing import Any

from market import roles
from market.errors import NotAllowed
from market.models import Membership

from .models import Dispute, Party


def party_role(user: Any, dispute: Dispute) -> str | None:
    """'filer', 'counterparty', or None when the user's division is not a party."""
    membership = roles.membership_of(user)
    if membership is None:
        return None
    return (
        Party.objects.filter(dispute=dispute, division_id=membership.division_id)
        .values_list("role", flat=True)
        .first()
    )


def can_view(user: Any, dispute: Dispute) -> bool:
    return roles.sees_everything(user) or party_role(user, dispute) is not None


def lead_of_party(user: Any, dispute: Dispute, *, role: str | None = None) -> Membership:
    """The acting lead's membership; refuses anyone else with a message saying why."""
    membership = roles.membership_of(user)
    their_role = party_role(user, dispute)
    if membership is None or their_role is None:
        raise NotAllowed("Only the divisions party to this dispute may act on it.")
    if membership.role != Membership.Role.LEAD:
        raise NotAllowed("Only a division lead may act on a dispute; members can read it.")
    if role is not None and their_role != role:
        who = "the division that filed it" if role == Party.Role.FILER else "a counterparty"
        raise NotAllowed(f"Only {who} may do this.")
    return membership


def require_management(user: Any) -> None:
    if not roles.is_management(user):
        raise NotAllowed("Only management arbitrates disputes.")
