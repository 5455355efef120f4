"""Celery tasks: thin, idempotent, and they take ids. The state lives in the database."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from .models import Market
from .services import rounds, sessions


@shared_task(name="market.rounds_tick", ignore_result=True)
def rounds_tick() -> dict[str, int]:
    """Beat calls this every few seconds: close rounds whose time is up, schedule and open their
    successors in the same tick (so a market with no gap never shows "no round" for a whole
    tick), then finish each closed round."""
    due = rounds.rounds_due()
    closed = [round_id for round_id in due["close"] if rounds.round_close(round_id=round_id)]
    for session_round_id in sessions.session_rounds_tick():
        session_round_finish.delay(session_round_id)
    trading = Q(trading_ends_at__isnull=True) | Q(trading_ends_at__gt=timezone.now())
    for market_id in Market.objects.filter(trading, halted=False).values_list("id", flat=True):
        rounds.round_schedule_next(market_id=market_id)
    due = {**rounds.rounds_due(), "close": closed}
    for round_id in due["open"]:
        rounds.round_open(round_id=round_id)
    for round_id in due["finish"]:
        round_finish.delay(round_id)
    return {name: len(ids) for name, ids in due.items()}


@shared_task(name="market.round_finish", ignore_result=True, acks_late=True)
def round_finish(round_id: int) -> str:
    """Clear and settle one round; a repeat, a retry or a second worker changes nothing."""
    return rounds.round_finish(round_id=round_id)


@shared_task(name="market.session_round_finish", ignore_result=True, acks_late=True)
def session_round_finish(session_round_id: int) -> str:
    """Clear and settle one session round (all its markets together); a repeat, a retry or a
    second worker changes nothing."""
    return sessions.session_round_finish(session_round_id=session_round_id)


@shared_task(name="market.demo_trade", ignore_result=True)
def demo_trade() -> int:
    """Demo only: seed_demo schedules it so rounds have orders to clear."""
    from . import demo

    return demo.demo_trade()


@shared_task(name="market.idempotency_prune", ignore_result=True)
def idempotency_prune() -> int:
    """Daily: drop idempotency records past their retry window."""
    from .services import tokens

    return tokens.idempotency_records_prune()
