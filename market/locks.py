"""Row locks taken in one fixed order (by primary key), so two transactions never deadlock."""

from collections.abc import Iterable

from django.db import connection

from .models import Account, Round


def accounts_for_update(ids: Iterable[int]) -> dict[int, Account]:
    accounts = Account.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {account.pk: account for account in accounts}


def round_for_share(round_id: int) -> Round:
    """Lock a round against closing while an order is placed, changed or cancelled in it.

    Many orders share the round (FOR SHARE); closing takes FOR UPDATE and so waits for every
    order in flight, and an order placed after the close sees the round closed. SQLite
    serialises whole write transactions instead (settings: IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        rows = list(
            Round.objects.raw("SELECT * FROM market_round WHERE id = %s FOR SHARE", [round_id])
        )
        if not rows:
            raise Round.DoesNotExist(f"No round {round_id}.")
        return rows[0]
    return Round.objects.get(pk=round_id)


def round_for_update(round_id: int) -> Round:
    return Round.objects.select_for_update().get(pk=round_id)
