"""Management's market controls: halting and resuming a market."""

from typing import Any

from django.db import transaction

from .. import roles
from ..models import Market, Round
from . import rounds


@transaction.atomic
def market_halt(*, market_id: int, by: Any, reason: str) -> Market:
    """Halt trading: the open round is halted, a scheduled one cancelled, every hold released.

    Management only: the caller's role is checked here, not only by the admin screen."""
    roles.require_management(by)
    market = Market.objects.select_for_update().get(pk=market_id)
    market.halted, market.halt_reason = True, reason[:300]
    market.save(update_fields=["halted", "halt_reason"])
    upcoming = market.rounds.filter(state__in=(Round.State.SCHEDULED, Round.State.OPEN))
    for round_id, state in upcoming.values_list("id", "state"):
        stopped = Round.State.HALTED if state == Round.State.OPEN else Round.State.CANCELLED
        rounds.round_cancel(round_id=round_id, state=stopped, by=by)
    return market


@transaction.atomic
def market_resume(*, market_id: int, by: Any) -> Market:
    """Resume trading; the next round is scheduled from now. Management only."""
    roles.require_management(by)
    market = Market.objects.select_for_update().get(pk=market_id)
    market.halted, market.halt_reason = False, ""
    market.save(update_fields=["halted", "halt_reason"])
    rounds.round_schedule_next(market_id=market.pk)
    return market
