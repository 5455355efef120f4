"""Row locks of the chain, taken in primary-key order."""

from collections.abc import Sequence

from django.db import connection

from .models import Window


def windows_for_share(ids: Sequence[int]) -> None:
    """Many usage batches share a window; its expiry takes it FOR UPDATE and waits for them."""
    if not ids or connection.vendor != "postgresql":
        return  # SQLite serialises whole write transactions
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM chain_window WHERE id = ANY(%s) ORDER BY id FOR SHARE", [list(ids)]
        )


def window_for_update(window_id: int) -> Window:
    return Window.objects.select_for_update().select_related("asset").get(pk=window_id)
