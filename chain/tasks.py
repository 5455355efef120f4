"""Celery tasks of the token chain: thin and idempotent; the state lives in the database."""

from celery import shared_task


@shared_task(name="chain.tick", ignore_result=True)
def chain_tick() -> dict[str, int]:
    """Beat: list upcoming windows, expire ended ones, collect overage debts from income."""
    from .services import debts, expiry, windows

    return {
        "windows": windows.windows_tick(),
        "expired": expiry.windows_expire_due(),
        "debts": debts.debts_tick(),
    }


@shared_task(name="chain.demo_tick", ignore_result=True)
def demo_tick() -> dict[str, int]:
    """Demo only (seed_chain schedules it): meter usage, book revenue."""
    from . import demo

    return demo.demo_tick()
