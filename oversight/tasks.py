"""Celery tasks: thin and idempotent."""

from celery import shared_task

from .services import utilisation


@shared_task(name="oversight.utilisation_record", ignore_result=True)
def utilisation_record() -> int:
    """Beat, every minute: keep the utilisation of each window whose unused units expired."""
    return utilisation.utilisation_record_due()
