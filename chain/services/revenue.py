"""External revenue: booked once per (earner, reference), converted at management's rate and
shared along the chain by the pure rule in `chain.sharing`, each share posted exactly once.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from market import roles
from market.errors import InvalidState, MarketError, NotAllowed

from .. import sharing
from ..models import CurrencyRate, RevenueRecord, RevenueShare, SharingRule
from . import chain_inputs, posting

LAYER_KINDS = ("tokens", "gpu")  # the earner's token sellers, then their GPU-hour sellers
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RevenueInput:
    division_id: int
    period_start: date
    period_end: date
    amount: Decimal
    currency: str
    source: str
    reference: str


def _may_record(user: Any, division_id: int) -> bool:
    membership = roles.membership_of(user)
    if membership is not None and membership.division_id == division_id:
        return membership.role == membership.Role.LEAD
    return roles.is_management(user)


def _check(data: RevenueInput) -> None:
    if data.period_end < data.period_start:
        raise MarketError(_("The period ends before it starts."), field="period_end")
    if data.amount <= 0 or data.amount != data.amount.quantize(CENT):
        raise MarketError(_("The amount must be positive, in cents."), field="amount")
    if not data.reference.strip() or not data.source.strip():
        raise MarketError(_("Give the revenue a source and a reference."), field="reference")


@transaction.atomic
def revenue_record(*, by: Any, data: RevenueInput) -> tuple[RevenueRecord, bool]:
    """Book external revenue and share it; a repeat with the same reference and values returns
    the first record (replayed = True), one with other values is refused."""
    if not _may_record(by, data.division_id):
        raise NotAllowed(_("Only the division's lead or management may record its revenue."))
    _check(data)
    division = Division.objects.select_for_update().get(pk=data.division_id)
    found = RevenueRecord.objects.filter(division=division, reference=data.reference).first()
    if found is not None:
        same = (found.period_start, found.period_end, found.amount, found.currency) == (
            data.period_start, data.period_end, data.amount, data.currency
        )  # fmt: skip
        if not same:
            raise InvalidState(
                _("The reference %(ref)s was recorded before with other values.")
                % {"ref": data.reference},
                field="reference",
            )
        return found, True
    rate = CurrencyRate.objects.filter(currency=data.currency).first()
    if rate is None:
        raise MarketError(
            _("Management has set no rate for %(cur)s.") % {"cur": data.currency}, field="currency"
        )
    record = RevenueRecord.objects.create(
        division=division, period_start=data.period_start, period_end=data.period_end,
        amount=data.amount, currency=data.currency, rate=rate.credits_per_unit,
        credits=(data.amount * rate.credits_per_unit).quantize(CENT, ROUND_HALF_EVEN),
        source=data.source.strip(), reference=data.reference.strip(), recorded_by=by,
    )  # fmt: skip
    revenue_share(record_id=record.pk)
    return record, False


def period_bounds(record: RevenueRecord) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(record.period_start, time.min))
    return start, timezone.make_aware(datetime.combine(record.period_end, time.min)) + timedelta(
        days=1
    )


def chain_of(record: RevenueRecord) -> tuple[sharing.Sharing, dict[tuple[int, int], list[Any]]]:
    """The rule's result for a record, and the rounds behind each (buyer, seller) step."""
    start, end = period_bounds(record)
    buyers, layers, justified = {record.division_id}, [], {}
    for kind in LAYER_KINDS:
        facts = chain_inputs.rounds_bought_by(buyers, kind=kind, start=start, end=end)
        layer = sharing.attribute(fact.trades() for fact in facts)
        layers.append(layer)
        justified.update(chain_inputs.trades_between(facts))
        buyers = {seller for sellers in layer.values() for seller in sellers}
        if not buyers:
            break
    passes = dict(SharingRule.objects.values_list("division_id", "pass_up"))
    result = sharing.share(record.credits, earner=record.division_id, passes=passes, layers=layers)
    return result, justified


@transaction.atomic
def revenue_share(*, record_id: int) -> bool:
    """Post each division's part of a record, once (the record row is locked, each posting is
    keyed by record and division); each share pays the division's overage debt first (the
    ledger's income hook, chain/services/debts.py)."""
    record = RevenueRecord.objects.select_for_update().get(pk=record_id)
    if record.shared_at is not None:
        return False
    result, justified = chain_of(record)
    divisions = Division.objects.in_bulk(result.parts)
    credits = posting.credits()
    accounts = {d: posting.available(division=divisions[d], asset=credits) for d in result.parts}
    locked = posting.lock(accounts.values())
    for division_id, amount in result.parts.items():
        account = accounts[division_id]
        transaction_ = posting.move(
            reason=posting.Reason.REVENUE, source=posting.issuance(asset=credits), target=account,
            amount=amount, locked={account.pk: locked[account.pk]}, reference=record,
            memo=f"Share of revenue {record.reference} ({record.division}): {amount}",
            key=f"revenue:{record.pk}:{division_id}",
        )  # fmt: skip
        RevenueShare.objects.create(
            record=record, division_id=division_id, amount=amount, transaction=transaction_,
            why=_why(division_id, record, result, justified),
        )  # fmt: skip
    record.shared_at = timezone.now()
    record.save(update_fields=["shared_at"])
    return True


def _why(
    division_id: int,
    record: RevenueRecord,
    result: sharing.Sharing,
    justified: dict[tuple[int, int], list[Any]],
) -> dict[str, Any]:
    """The steps from the revenue to this division's part, with the rounds behind each."""
    steps = [
        {
            "layer": LAYER_KINDS[flow.layer],
            "from": flow.payer,
            "to": flow.payee,
            "amount": str(flow.amount),
            "rounds": justified.get((flow.payer, flow.payee), []),
        }
        for flow in result.flows
    ]
    received = sum((f.amount for f in result.flows if f.payee == division_id), Decimal("0.00"))
    passed = sum((f.amount for f in result.flows if f.payer == division_id), Decimal("0.00"))
    if division_id == record.division_id:
        received = record.credits
    return {
        "revenue": str(record.credits),
        "received": str(received),
        "passed": str(passed),
        "kept": str(result.parts[division_id]),
        "steps": steps,
    }
