"""Celery tasks: thin, idempotent, taking ids."""

from celery import shared_task

from . import services


@shared_task(name="notifications.fan_out", ignore_result=True, acks_late=True)
def fan_out(event_ids: list[int]) -> int:
    """Tell the people of each event's division; a repeat tells nobody twice."""
    return services.notifications_fan_out(event_ids=event_ids)


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> int:
    """Beat, every minute: events whose fan-out task was lost are fanned out now."""
    ids = services.notifications_sweep()
    return services.notifications_fan_out(event_ids=ids) if ids else 0


def fan_out_later(event_ids: list[int]) -> None:
    """The events app calls this after a commit that wrote events (settings.EVENTS_AFTER_COMMIT)."""
    fan_out.delay(event_ids)
