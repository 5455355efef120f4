"""Row locks of the chain, taken in primary-key order."""

from collections.abc import Sequence
from datetime import datetime

from django.db import connection

from .models import Window


def windows_for_share(ids: Sequence[int]) -> dict[int, datetime | None]:
    """Many usage batches share a window; its expiry takes it FOR UPDATE and waits for them.
    Returns each window's `expired_at` as read under the lock."""
    if connection.vendor != "postgresql":  # SQLite serialises whole write transactions
        return dict(Window.objects.filter(pk__in=ids).values_list("pk", "expired_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, expired_at FROM chain_window WHERE id = ANY(%s) ORDER BY id FOR SHARE",
            [list(ids)],
        )
        return dict(cursor.fetchall())


def window_for_update(window_id: int) -> Window:
    return Window.objects.select_for_update().select_related("asset", "series").get(pk=window_id)
