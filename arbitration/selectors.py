"""Reads for the dispute pages and admin: what a viewer may see of a case, in few queries."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ledger.models import Entry
from market import roles
from market.models import Fill, Round

from .models import Dispute, DisputeEvent, Evidence, Message, Party, Response, Ruling, RulingEffect
from .models.disputes import HEARING_STATES, OPEN_STATES, State
from .services.snapshot import snapshot_for


def disputes_for(user: Any) -> QuerySet[Dispute]:
    """Every dispute for management and auditors; a division's people see those it is party to."""
    disputes = Dispute.objects.select_related(
        "market", "round__market", "fill__order", "filer", "arbiter", "appeal_arbiter"
    )
    if roles.sees_everything(user):
        return disputes
    division = roles.division_of(user)
    if division is None:
        return disputes.none()
    return disputes.filter(parties__division=division)


def overdue_q(now: datetime | None = None) -> Q:
    """Cases whose ruling is late, or whose counterparties are late to respond."""
    now = now or timezone.now()
    late_ruling = Q(state__in=HEARING_STATES, ruling_due__lt=now)
    late_response = Q(state=State.AWAITING_RESPONSE, response_due__lt=now)
    return late_ruling | late_response


def dispute_visible(user: Any, dispute_id: int) -> Dispute | None:
    return disputes_for(user).filter(pk=dispute_id).first()


@dataclass(frozen=True)
class EvidenceView:
    evidence: Evidence
    snapshot: dict[str, Any] | None


@dataclass(frozen=True)
class RulingView:
    ruling: Ruling
    effects: list[RulingEffect]
    entries: list[Entry]


@dataclass(frozen=True)
class CaseFile:
    dispute: Dispute
    viewer_division_id: int | None  # None: management or auditor, who see everything
    role: str | None
    parties: list[Party]
    evidence: list[EvidenceView]
    messages: list[Message]
    responses: list[Response]
    events: list[DisputeEvent]
    rulings: list[RulingView]


def case_file(*, dispute: Dispute, user: Any) -> CaseFile:
    """The case as this viewer may see it: a party sees its own part of the snapshot and of
    the ruling's effects (sealed bids stay sealed); management and auditors see everything."""
    everything = roles.sees_everything(user)
    division = roles.division_of(user)
    own = None if everything or division is None else division.pk
    parties = sorted(
        dispute.parties.select_related("division"),
        key=lambda p: (p.role != Party.Role.FILER, p.division.name),
    )
    role = next((p.role for p in parties if own is not None and p.division_id == own), None)
    evidence = [
        EvidenceView(e, snapshot_for(e.snapshot, division_id=own) if e.snapshot else None)
        for e in dispute.evidence.select_related("division", "added_by")
    ]
    return CaseFile(
        dispute=dispute,
        viewer_division_id=own,
        role=role,
        parties=parties,
        evidence=evidence,
        messages=list(dispute.messages.select_related("division", "author")),
        responses=list(dispute.responses.select_related("division", "author")),
        events=list(dispute.events.select_related("by")),
        rulings=[
            _ruling_view(r, own)
            for r in dispute.rulings.select_related("arbiter", "payer", "payee")
        ],
    )


def _ruling_view(ruling: Ruling, division_id: int | None) -> RulingView:
    effects = ruling.effects.select_related("division", "fill")
    entries = Entry.objects.filter(transaction_id=ruling.transaction_id).select_related(
        "account__asset", "account__division"
    )
    if division_id is not None:
        effects = effects.filter(division_id=division_id)
        entries = entries.filter(account__division_id=division_id)
    return RulingView(ruling, list(effects), list(entries) if ruling.transaction_id else [])


@dataclass(frozen=True)
class CaseActions:
    """What the viewer may do on the dispute page (the services check it all again)."""

    message: bool = False
    respond: bool = False
    withdraw: bool = False
    appeal: bool = False


def case_actions(case: CaseFile, user: Any) -> CaseActions:
    membership = roles.membership_of(user)
    dispute = case.dispute
    if case.role is None or membership is None or membership.role != "lead" or dispute.is_closed:
        return CaseActions()
    responded = any(r.division_id == case.viewer_division_id for r in case.responses)
    hearing = dispute.state in OPEN_STATES
    return CaseActions(
        message=True,
        respond=hearing and case.role == Party.Role.COUNTERPARTY and not responded,
        withdraw=hearing and case.role == Party.Role.FILER,
        appeal=dispute.state == State.RULED
        and dispute.appealed_at is None
        and (dispute.appeal_due is None or dispute.appeal_due >= timezone.now()),
    )


def filing_subject(
    *, user: Any, round_id: int | None, fill_public_id: str = ""
) -> tuple[Round, Fill | None] | None:
    """The round (or fill, by its public id) a lead is about to dispute, if theirs to dispute."""
    division = roles.division_of(user)
    if division is None:
        return None
    if fill_public_id:
        fill = (
            Fill.objects.select_related("round__market")
            .filter(public_id=fill_public_id, division=division)
            .first()
        )
        return (fill.round, fill) if fill else None
    if round_id is None:
        return None
    round_ = (
        Round.objects.select_related("market")
        .filter(pk=round_id, orders__division=division)
        .first()
    )
    return (round_, None) if round_ else None


def evidence_visible(*, user: Any, dispute_id: int, evidence_id: int) -> Evidence | None:
    dispute = dispute_visible(user, dispute_id)
    if dispute is None:
        return None
    return dispute.evidence.filter(pk=evidence_id, kind=Evidence.Kind.FILE).first()
