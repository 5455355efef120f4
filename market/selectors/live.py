"""What a self-refreshing page watches: a short stamp of the rounds it shows.

A page carries the stamp it was drawn with and polls ``/live/``; when a round it shows closes,
clears, settles or a new one opens, the stamp changes and the page redraws itself. One or two
small queries, and no order of any division is read: the stamp says nothing sealed.
"""

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, Subquery

from ..models import Round

SCOPES = ("market", "round", "dashboard")
POLL_SECONDS = 3
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
FINAL = (Round.State.SETTLED, Round.State.HALTED, Round.State.CANCELLED)


def _digest(parts: Iterable[Any]) -> str:
    text = "|".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def market_stamp(*, slug: str) -> str:
    """The market's last two rounds and their states: a close, a clear, a settle, a new round."""
    rows = Round.objects.filter(market__slug=slug).order_by("-number")
    return _digest(rows.values_list("pk", "state", "market__halted")[:2])


def round_stamp(*, round_id: int) -> str:
    return _digest(Round.objects.filter(pk=round_id).values_list("state", flat=True))


def dashboard_stamp() -> str:
    """Every round still moving, and the last one settled anywhere (one query)."""
    settled = Round.objects.filter(state=Round.State.SETTLED).order_by("-settled_at", "-pk")
    rounds = Round.objects.filter(~Q(state__in=FINAL) | Q(pk=Subquery(settled.values("pk")[:1])))
    return _digest(rounds.order_by("pk").values_list("pk", "state"))


def live_stamp(*, scope: str, key: str) -> str | None:
    """The stamp of one page, or None when the scope or key makes no sense."""
    if scope == "market" and SLUG.fullmatch(key):
        return market_stamp(slug=key)
    if scope == "round" and key.isascii() and key.isdigit() and len(key) < 12:
        return round_stamp(round_id=int(key))
    if scope == "dashboard":
        return dashboard_stamp()
    return None


def live_context(*, scope: str, key: str = "", poll: bool = True) -> dict[str, Any]:
    """What base.html needs to make a page refresh itself. A page that can no longer change
    (a settled round) keeps the wrapper the last redraw selects, but stops polling."""
    stamp = live_stamp(scope=scope, key=key) if poll else None
    return {"scope": scope, "key": key, "stamp": stamp, "every": POLL_SECONDS, "poll": poll}
