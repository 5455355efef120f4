"""A person's inbox: the latest notifications with what they say, and the unread count."""

from dataclasses import dataclass
from typing import Any

from market.models import Market

from .messages import Said, describe
from .models import Notification

SHOWN = 50


@dataclass(frozen=True)
class Line:
    notification: Notification
    said: Said


def inbox(*, user: Any, limit: int = SHOWN) -> list[Line]:
    """The latest notifications, newest first, in two queries whatever their number."""
    rows = list(Notification.objects.filter(user=user).select_related("event")[:limit])
    market_ids = [r.event.data.get("market") for r in rows if isinstance(r.event.data, dict)]
    wanted = {int(m) for m in market_ids if isinstance(m, int)}
    shown = Market.objects.filter(pk__in=wanted).select_related("window__series")
    markets = {m.pk: m.display_name for m in shown}
    return [Line(r, describe(r.event, markets)) for r in rows]


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
