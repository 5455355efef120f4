"""Celery tasks of the ledger: thin and idempotent."""

from celery import shared_task

from .reconcile import reconcile_and_alert


@shared_task(name="ledger.reconcile", ignore_result=True)
def reconcile() -> int:
    """Daily from beat: balances against the sums of their entries; alerts on any difference."""
    return len(reconcile_and_alert())
