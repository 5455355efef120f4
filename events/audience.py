"""Who a user is to the feed: their division, whether they see every division, whether they
may change their division's webhooks. Answered by the hook the `EVENTS_AUDIENCE` setting
names (the market's roles), so this app imports neither the market nor arbitration."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Audience:
    division_id: int | None
    sees_all: bool  # management and auditors read every division's events
    manages: bool  # the division's lead: may add and end its webhooks
    management: bool = False  # may end any division's webhook


@cache
def _hook(path: str) -> Any:
    return import_string(path)


def audience_of(user: Any) -> Audience:
    if not getattr(user, "is_authenticated", False):
        return Audience(None, False, False)
    division_id, sees_all, manages, management = _hook(settings.EVENTS_AUDIENCE)(user)
    return Audience(division_id, bool(sees_all), bool(manages), bool(management))
