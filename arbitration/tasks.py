"""Celery tasks for arbitration: thin and idempotent; the state lives in the database."""

from celery import shared_task

from . import deadlines


@shared_task(name="arbitration.deadlines_tick", ignore_result=True)
def deadlines_tick() -> dict[str, int]:
    """Beat calls this every minute: late responses, overdue rulings, final rulings."""
    return deadlines.deadlines_run()
