"""Filing a dispute: who may, against what, who the counterparties are, and the snapshot."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from market import roles
from market.errors import InvalidState, MarketError, NotAllowed
from market.models import Fill, Membership, Round
from market.parsing import parse_money
from tokenhub import formatting as fmt

from ..models import Dispute, DisputeEvent, Party
from ..models.disputes import HEARING_STATES, Subject, system_why
from . import notify
from .feed import dispute_changed
from .snapshot import snapshot_attach


@dataclass(frozen=True)
class Claim:
    subject: str
    category: str
    claimed_remedy: str
    claimed_amount: Decimal
    statement: str


def _filing_lead(user: Any) -> Membership:
    membership = roles.membership_of(user)
    if membership is None or membership.role != Membership.Role.LEAD:
        raise NotAllowed(_("Only a division lead may file a dispute."))
    return membership


def _subject(
    division: Division, round_id: int | None, fill_id: int | None
) -> tuple[Round, Fill | None]:
    if fill_id is not None:
        fill = Fill.objects.select_related("round__market").filter(pk=fill_id).first()
        if fill is None or fill.division_id != division.pk:
            raise NotAllowed(_("You can only dispute your own division's fills."))
        return fill.round, fill
    if round_id is None:
        raise MarketError(_("Choose the round or the fill this dispute is about."))
    round_ = Round.objects.select_related("market").filter(pk=round_id).first()
    if round_ is None or not round_.orders.filter(division=division).exists():
        raise NotAllowed(_("Only a division that placed orders in a round may dispute it."))
    return round_, None


def counterparties(round_: Round, filer: Division, fill: Fill | None) -> list[int]:
    """The divisions on the other side: of the fill, or of the filer's fills in the round."""
    fills = Fill.objects.filter(round=round_).exclude(division=filer)
    if fill is not None:
        sides = {fill.side}
    else:
        sides = set(
            Fill.objects.filter(round=round_, division=filer).values_list("side", flat=True)
        )
    if sides and len(sides) == 1:
        fills = fills.exclude(side=sides.pop())
    return sorted(set(fills.values_list("division_id", flat=True)))


def _check_claim(claim: Claim, fill: Fill | None) -> Decimal:
    if claim.subject == Subject.PRICE and fill is not None:
        raise MarketError(_("A dispute about a fill is filed from the fill."), field="subject")
    if claim.subject != Subject.PRICE and fill is None:
        raise MarketError(_("Choose the fill this dispute is about."), field="subject")
    if not claim.statement.strip():
        raise MarketError(_("Say what went wrong in the statement."), field="statement")
    return parse_money(claim.claimed_amount, field="claimed_amount")


@transaction.atomic
def dispute_file(
    *, user: Any, claim: Claim, round_id: int | None = None, fill_id: int | None = None
) -> Dispute:
    """A lead files a dispute about a settled round or one of their fills.

    Creates the dispute, its parties, the first history line and the snapshot evidence, and
    tells the counterparties and management, all or nothing.
    """
    filer = _filing_lead(user).division
    round_, fill = _subject(filer, round_id, fill_id)
    amount = _check_claim(claim, fill)
    if round_.state != Round.State.SETTLED:
        raise InvalidState(_("A dispute can be filed once the round has settled."))
    _refuse_duplicate(filer, round_, fill)
    others = counterparties(round_, filer, fill)
    if not others:
        raise MarketError(_("No other division traded in this round: there is nobody to dispute."))
    market, now = round_.market, timezone.now()
    dispute = Dispute.objects.create(
        market=market,
        round=round_,
        fill=fill,
        subject=claim.subject,
        category=claim.category,
        claimed_remedy=claim.claimed_remedy,
        claimed_amount=amount,
        statement=claim.statement.strip(),
        filer=filer,
        filed_by=user,
        filed_at=now,
        response_due=now + timedelta(hours=market.response_hours),
        ruling_due=now + timedelta(hours=market.ruling_hours),
    )
    Party.objects.bulk_create(
        [Party(dispute=dispute, division=filer, role=Party.Role.FILER)]
        + [Party(dispute=dispute, division_id=pk, role=Party.Role.COUNTERPARTY) for pk in others]
    )
    DisputeEvent.objects.create(
        dispute=dispute,
        action="file",
        target=dispute.state,
        by=user,
        why=system_why("Filed by %(division)s.", division=filer.record_name),
    )
    snapshot_attach(dispute)
    dispute_changed(dispute, action="file")
    _announce(dispute)
    return dispute


def _refuse_duplicate(filer: Division, round_: Round, fill: Fill | None) -> None:
    open_ = Dispute.objects.filter(filer=filer, round=round_, fill=fill, state__in=HEARING_STATES)
    existing = open_.values_list("pk", flat=True).first()
    if existing is not None:
        raise InvalidState(
            _("Your division already has dispute #%(id)s open about this.") % {"id": existing}
        )


def _announce(dispute: Dispute) -> None:
    def body() -> str:
        return _(
            "%(filer)s filed a dispute (%(category)s) claiming %(amount)s credits. "
            "Counterparties may respond until %(due)s."
        ) % {
            "filer": dispute.filer,
            "category": dispute.get_category_display(),
            "amount": fmt.money(dispute.claimed_amount),
            "due": fmt.when(dispute.response_due),
        }

    users = [*notify.party_leads(dispute, role=Party.Role.COUNTERPARTY), *notify.management()]
    notify.notify(dispute, users, lambda: _("a dispute was filed"), body)
