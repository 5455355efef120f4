"""A session's rounds: scheduled, opened, closed and finished together.

Every step locks the session round FOR UPDATE and checks the state it finds, so a repeated
call, a retried task or a second worker does nothing. Opening and closing a session round
opens and closes each of its markets' rounds in the same transaction (`rounds.round_open`,
`rounds.round_close`, which lock each round in turn), so they change state at one moment;
an order in flight holds its round FOR SHARE and is waited for.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from tokenhub.formatting import join_sentences

from .. import roles
from ..errors import MarketError
from ..models import Market, Round, Session, SessionRound
from . import rounds, session_settlement

log = logging.getLogger("tokenhub.sessions")
State = SessionRound.State
UPCOMING = (State.SCHEDULED, State.OPEN)


@transaction.atomic
def session_save(*, user: Any, session: Session) -> Session:
    """Create or change a session (management only); its schedule applies from the next
    session round. Audited by django-auditlog."""
    roles.require_management(user)
    try:
        session.full_clean()
    except ValidationError as error:
        raise MarketError(join_sentences(error.messages)) from None
    session.save()
    return session


def session_round_for_update(session_round_id: int) -> SessionRound:
    return SessionRound.objects.select_for_update().get(pk=session_round_id)


def _eligible_markets(session: Session, closes_at: datetime) -> list[Market]:
    """The session's markets that can trade until the session round closes: not halted, gate
    not closing first, and no round of their own still upcoming (a market that just joined
    keeps its own round until that one is over)."""
    gate_open = Q(trading_ends_at__isnull=True) | Q(trading_ends_at__gte=closes_at)
    return list(
        session.markets.filter(gate_open, halted=False)
        .exclude(rounds__state__in=rounds.UPCOMING)
        .order_by("pk")
    )


@transaction.atomic
def session_round_schedule_next(
    *, session_id: int, now: datetime | None = None
) -> SessionRound | None:
    """Schedule the session's next round, with a round of each eligible market at the same
    times; None if one is already upcoming or no market can trade."""
    session = Session.objects.select_for_update().get(pk=session_id)
    if session.rounds.filter(state__in=UPCOMING).exists():
        return None
    now = now or timezone.now()
    last = session.rounds.aggregate(number=Max("number"), closes=Max("closes_at"))
    opens_at = now
    if last["closes"] is not None:
        opens_at = max(now, last["closes"] + timedelta(minutes=session.gap_minutes))
    closes_at = opens_at + timedelta(minutes=session.round_minutes)
    markets = _eligible_markets(session, closes_at)
    if not markets:
        return None
    session_round = SessionRound.objects.create(
        session=session,
        number=(last["number"] or 0) + 1,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    for market in Market.objects.select_for_update().filter(pk__in=[m.pk for m in markets]):
        number = market.rounds.aggregate(number=Max("number"))["number"] or 0
        Round.objects.create(
            market=market,
            number=number + 1,
            opens_at=opens_at,
            closes_at=closes_at,
            tick=market.tick,
            floor=market.floor,
            cap=market.cap,
            rule=market.rule,
            session_round=session_round,
        )
    log.info(
        "session round scheduled",
        extra={"session_round_id": session_round.pk, "markets": len(markets)},
    )
    return session_round


def _round_ids(session_round: SessionRound) -> list[int]:
    return list(session_round.market_rounds.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def session_round_open(*, session_round_id: int, now: datetime | None = None) -> bool:
    """Open the session round and every round in it, in one transaction."""
    now = now or timezone.now()
    session_round = session_round_for_update(session_round_id)
    if session_round.state != State.SCHEDULED or session_round.opens_at > now:
        return False
    for round_id in _round_ids(session_round):
        rounds.round_open(round_id=round_id, now=now)
    session_round.state = State.OPEN
    session_round.save(update_fields=["state"])
    log.info("session round opened", extra={"session_round_id": session_round_id})
    return True


@transaction.atomic
def session_round_close(*, session_round_id: int, now: datetime | None = None) -> bool:
    """Close the session round and every round in it, in one transaction (each close waits
    for the orders in flight in its round)."""
    now = now or timezone.now()
    session_round = session_round_for_update(session_round_id)
    if session_round.state != State.OPEN or session_round.closes_at > now:
        return False
    for round_id in _round_ids(session_round):
        rounds.round_close(round_id=round_id, now=now)
    session_round.state = State.CLOSED
    session_round.save(update_fields=["state"])
    log.info("session round closed", extra={"session_round_id": session_round_id})
    return True


@transaction.atomic
def session_round_clear(*, session_round_id: int) -> bool:
    """Clear a closed session round: its markets together with its bundles through the
    session engine, or, with no bundles, each round exactly as `rounds.round_clear`."""
    session_round = session_round_for_update(session_round_id)
    if session_round.state != State.CLOSED:
        return False
    if session_settlement.has_bundles(session_round):
        session_settlement.session_round_clear_with_bundles(session_round=session_round)
    else:
        for round_id in _round_ids(session_round):
            rounds.round_clear(round_id=round_id, in_session=True)
    session_round.state = State.CLEARED
    session_round.cleared_at = timezone.now()
    session_round.save(update_fields=["state", "cleared_at", "welfare"])
    log.info("session round cleared", extra={"session_round_id": session_round_id})
    return True


@transaction.atomic
def session_round_settle(*, session_round_id: int) -> bool:
    """Settle every cleared round of a cleared session round (and its bundles) in one
    transaction, exactly once."""
    session_round = session_round_for_update(session_round_id)
    if session_round.state != State.CLEARED:
        return False
    if session_settlement.has_bundles(session_round):
        session_settlement.session_round_settle_with_bundles(session_round=session_round)
    else:
        for round_id in _round_ids(session_round):
            rounds.round_settle(round_id=round_id, in_session=True)
    session_round.state = State.SETTLED
    session_round.settled_at = timezone.now()
    session_round.save(update_fields=["state", "settled_at"])
    log.info("session round settled", extra={"session_round_id": session_round_id})
    return True


def session_round_finish(*, session_round_id: int) -> str:
    """Clear and settle a closed session round; safe to call any number of times."""
    session_round_clear(session_round_id=session_round_id)
    session_round_settle(session_round_id=session_round_id)
    return SessionRound.objects.values_list("state", flat=True).get(pk=session_round_id)


def session_rounds_tick(*, now: datetime | None = None) -> list[int]:
    """Beat's part for sessions: close due session rounds, schedule and open the next ones;
    returns the ids of session rounds to finish (closed or cleared)."""
    now = now or timezone.now()
    upcoming = SessionRound.objects.filter(state=State.OPEN, closes_at__lte=now)
    for session_round_id in upcoming.values_list("pk", flat=True):
        session_round_close(session_round_id=session_round_id, now=now)
    for session_id in Session.objects.values_list("pk", flat=True):
        session_round_schedule_next(session_id=session_id, now=now)
    due = SessionRound.objects.filter(state=State.SCHEDULED, opens_at__lte=now)
    for session_round_id in due.values_list("pk", flat=True):
        session_round_open(session_round_id=session_round_id, now=now)
    finishing = SessionRound.objects.filter(state__in=(State.CLOSED, State.CLEARED))
    return list(finishing.order_by("pk").values_list("pk", flat=True))
