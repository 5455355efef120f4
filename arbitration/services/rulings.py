"""Ruling on a dispute: check the decision, preview its exact ledger legs, then apply it once.

`ruling_preview` posts nothing. `dispute_rule` recomputes the same plan under the dispute's row
lock, refuses the whole ruling if any balance would go negative, and posts every leg in one
ledger transaction keyed `ruling:<pk>`; a second submit of the same confirm form (same nonce)
returns the first ruling and pays nothing more.
"""

import uuid
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from ledger import services as ledger
from ledger.models import Account, LedgerTransaction
from market.errors import InsufficientFunds, InvalidState, MarketError, NotAllowed
from tokenhub import formatting as fmt

from ..models import Dispute, Ruling, RulingEffect
from ..models.disputes import Remedy, State
from . import notify
from .case import responses_missing
from .remedies import (
    Decision,
    LegView,
    Line,
    Plan,
    compensation_lines,
    fill_lines,
    reversal_lines,
)
from .transitions import dispute_for_update, move, require
from .workflow import acting_arbiter


def _check(dispute: Dispute, decision: Decision, previous: Ruling | None) -> None:
    if decision.remedy not in Remedy.values:
        raise MarketError(
            _("Unknown remedy %(remedy)r.") % {"remedy": decision.remedy}, field="remedy"
        )
    if not decision.reasons.strip():
        raise MarketError(_("Give the reasons for the ruling."), field="reasons")
    if decision.reverse_previous and previous is None:
        raise MarketError(_("Only an appeal ruling can reverse the first ruling."), field="reverse")
    if decision.remedy == Remedy.COMPENSATION:
        parties = set(dispute.parties.values_list("division_id", flat=True))
        if decision.amount is None or ledger.to_amount(decision.amount) <= 0:
            raise MarketError(_("Compensation needs a positive amount of credits."), field="amount")
        if decision.payer_id not in parties or decision.payee_id not in parties:
            raise MarketError(_("Compensation is paid by one party to another."), field="payer")
        if decision.payer_id == decision.payee_id:
            raise MarketError(_("The payer and the payee must be different."), field="payee")
    if decision.remedy == Remedy.PRICE_ADJUSTMENT:
        _check_price(dispute, decision.new_price)


def _check_price(dispute: Dispute, price: Decimal | None) -> None:
    round_ = dispute.round
    if price is None or price < 0:
        raise MarketError(
            _("A price adjustment needs the new price (0 or more)."), field="new_price"
        )
    if price % round_.tick != 0:
        raise MarketError(
            _("The new price must be on the round's tick of %(tick)s.")
            % {"tick": fmt.price(round_.tick)},
            field="new_price",
        )
    if price == round_.price:
        raise MarketError(
            _("The round already cleared at %(price)s.") % {"price": fmt.price(price)},
            field="new_price",
        )


def _previous(dispute: Dispute, decision: Decision) -> Ruling | None:
    if dispute.state != State.APPEALED:
        return None
    return dispute.rulings.filter(on_appeal=False).first()


def ruling_preview(*, dispute: Dispute, decision: Decision) -> Plan:
    """Every effect and ledger leg the ruling would post, with balances before and after."""
    previous = _previous(dispute, decision)
    _check(dispute, decision, previous)
    lines: list[Line] = []
    if decision.reverse_previous and previous is not None:
        lines += reversal_lines(previous)
    if decision.remedy == Remedy.COMPENSATION:
        lines += compensation_lines(decision)
    elif decision.remedy in (Remedy.PRICE_ADJUSTMENT, Remedy.VOID):
        undone = previous if decision.reverse_previous else None
        lines += fill_lines(dispute, decision, undone)
    divisions = Division.objects.in_bulk({line.division_id for line in lines})
    legs = _legs(dispute, lines)
    return Plan(decision=decision, lines=lines, legs=legs, previous=previous, divisions=divisions)


def _legs(dispute: Dispute, lines: list[Line]) -> list[LegView]:
    credits, units = ledger.credits_asset(), dispute.market.asset
    net: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for line in lines:
        net[(line.division_id, credits.pk)] += line.credits
        net[(line.division_id, units.pk)] += line.unit_delta
    moves = {key: amount for key, amount in sorted(net.items()) if amount != 0}
    divisions = Division.objects.in_bulk([division_id for division_id, _ in moves])
    assets = {credits.pk: credits, units.pk: units}
    accounts = {
        key: ledger.account_by_id(key[0], assets[key[1]], Account.Kind.AVAILABLE) for key in moves
    }
    before = ledger.balances_of(a.pk for a in accounts.values())
    return [
        LegView(divisions[d], assets[a], accounts[(d, a)], amount, before[accounts[(d, a)].pk])
        for (d, a), amount in moves.items()
    ]


def _refuse_while_awaiting(dispute: Dispute) -> None:
    if dispute.state != State.AWAITING_RESPONSE or not dispute.response_due:
        return
    missing = responses_missing(dispute)
    if missing and dispute.response_due > timezone.now():
        raise InvalidState(
            _(
                "%(divisions)s may respond until %(due)s; "
                "rule after that or once they have responded."
            )
            % {
                "divisions": ", ".join(d.display_name for d in missing),
                "due": fmt.when(dispute.response_due),
            }
        )


@transaction.atomic
def dispute_rule(*, dispute_id: int, by: Any, decision: Decision, nonce: uuid.UUID) -> Ruling:
    """Rule and apply the ruling's effects exactly once, all or nothing."""
    dispute = dispute_for_update(dispute_id)
    existing = Ruling.objects.filter(nonce=nonce).first()
    if existing is not None:
        return existing
    on_appeal = dispute.state == State.APPEALED
    action = "rule_on_appeal" if on_appeal else "rule"
    require(dispute, action)
    acting_arbiter(dispute, by)
    if on_appeal and dispute.arbiter_id == by.pk:
        raise NotAllowed(_("An appeal is ruled on by a different arbiter."))
    _refuse_while_awaiting(dispute)
    plan = ruling_preview(dispute=dispute, decision=decision)
    if plan.problems:
        raise InsufficientFunds(
            _("The ruling cannot be applied: %(problems)s")
            % {"problems": fmt.join_sentences(plan.problems)}
        )
    move(dispute, action, by=by, why=decision.reasons)
    ruling = _record(dispute, plan, by=by, nonce=nonce, on_appeal=on_appeal)
    now = timezone.now()
    dispute.appeal_due = now if on_appeal else now + timedelta(hours=dispute.market.appeal_hours)
    dispute.save()
    _announce(dispute, ruling)
    return ruling


def _record(dispute: Dispute, plan: Plan, *, by: Any, nonce: uuid.UUID, on_appeal: bool) -> Ruling:
    d = plan.decision
    compensation = d.remedy == Remedy.COMPENSATION
    ruling = Ruling.objects.create(
        dispute=dispute,
        arbiter=by,
        on_appeal=on_appeal,
        remedy=d.remedy,
        reasons=d.reasons.strip(),
        amount=d.amount if compensation else None,
        payer_id=d.payer_id if compensation else None,
        payee_id=d.payee_id if compensation else None,
        new_price=d.new_price if d.remedy == Remedy.PRICE_ADJUSTMENT else None,
        reverses=plan.previous if d.reverse_previous else None,
        nonce=nonce,
    )
    RulingEffect.objects.bulk_create(
        RulingEffect(
            ruling=ruling,
            kind=line.kind,
            division_id=line.division_id,
            fill=line.fill,
            units=line.units,
            old_price=line.old_price,
            new_price=line.new_price,
            credits=line.credits,
            unit_delta=line.unit_delta,
            reverses=line.reverses,
            note=line.note,
        )
        for line in plan.lines
    )
    if plan.legs:
        ruling.transaction = _post(dispute, ruling, plan, by)
        ruling.save(update_fields=["transaction"])
    return ruling


def _post(dispute: Dispute, ruling: Ruling, plan: Plan, by: Any) -> LedgerTransaction:
    stage = "Appeal ruling" if ruling.on_appeal else "Ruling"
    try:
        return ledger.transaction_post(
            reason=LedgerTransaction.Reason.RULING,
            legs=plan.ledger_legs(),
            by=by,
            reference=dispute,
            memo=f"{stage} on dispute #{dispute.pk}: {ruling.get_remedy_display()}",
            key=f"ruling:{ruling.pk}",
        )
    except InsufficientFunds as error:
        raise InsufficientFunds(
            _("The ruling cannot be applied: %(problems)s") % {"problems": error.message}
        ) from None


def _announce(dispute: Dispute, ruling: Ruling) -> None:
    def body() -> str:
        if ruling.on_appeal:
            when = _("The ruling is final now.")
        else:
            when = _("The ruling is open to appeal until %(due)s.") % {
                "due": fmt.when(dispute.appeal_due)
            }
        return f"{ruling.get_remedy_display()}: {ruling.reasons}\n\n{when}"

    notify.notify(dispute, notify.party_leads(dispute), lambda: _("ruling"), body)
