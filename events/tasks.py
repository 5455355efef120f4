"""Webhook tasks: thin, idempotent, they take ids. The feed, not the broker, is the truth."""

from celery import shared_task

from . import delivery


@shared_task(name="events.webhook_deliver", ignore_result=True, acks_late=True)
def webhook_deliver(delivery_id: int) -> str:
    """Attempt one delivery if it is due, and schedule its retry; a repeat changes nothing."""
    sent = delivery.webhook_send(delivery_id=delivery_id)
    if sent is None:
        return "not due"  # done, not due yet, or another worker has it
    wait = delivery.retry_in(sent)
    if wait is not None:  # only the call that attempted schedules the next attempt
        webhook_deliver.apply_async((delivery_id,), countdown=wait)
    return str(sent.state)


@shared_task(name="events.webhooks_due", ignore_result=True)
def webhooks_due() -> int:
    """Beat's sweep: re-find every due delivery (a lost task or a killed worker only delays)."""
    due = delivery.deliveries_due()
    for delivery_id in due:
        webhook_deliver.delay(delivery_id)
    return len(due)
