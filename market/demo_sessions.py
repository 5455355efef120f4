"""The demo's session: its GPU and token windows trade in session rounds, and two divisions'
demo agents place a bundle in each open session round, so a newcomer sees linked bids clear.

Idempotent like the rest of the demo: the session is created once, and a session round that
already has bundles gets no more.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from divisions.models import Division
from ledger.models import Asset

from .errors import MarketError
from .models import Round, Session, SessionRound
from .services import bundles, sessions
from .services.bundle_legs import LegInput

SESSION_SLUG = "gpu-and-tokens"
SESSION_NAME = "算力与 Token 联合竞价 (GPU + tokens)"
ROUND_MINUTES = 2  # as the demo series' own rounds

Agent = Callable[[Division], Any]


def demo_session() -> Session:
    """The demo's session, created once by management (through the service, so audited)."""
    found = Session.objects.filter(slug=SESSION_SLUG).first()
    if found is not None:
        return found
    management = get_user_model().objects.get(username="management")
    session = Session(name=SESSION_NAME, slug=SESSION_SLUG, round_minutes=ROUND_MINUTES)
    return sessions.session_save(user=management, session=session)


def place_demo_bundles(*, agent: Agent, prices: dict[str, Decimal]) -> int:
    """A bundle or two in every open session round that has none yet; returns how many."""
    placed = 0
    for session_round in SessionRound.objects.filter(state=SessionRound.State.OPEN):
        if not session_round.bundles.exists():
            placed += _place_in(session_round, agent, prices)
    return placed


def _window_pair(session_round: SessionRound) -> tuple[Round, Round] | None:
    """The GPU round and the token round of the earliest delivery window that has both."""
    by_window: dict[datetime | None, dict[str, Round]] = defaultdict(dict)
    rounds = session_round.market_rounds.select_related("market__asset").order_by("pk")
    for round_ in rounds.filter(state=Round.State.OPEN, market__halted=False):
        by_window[round_.market.asset.delivery_start].setdefault(round_.market.asset.kind, round_)
    for start in sorted(by_window, key=lambda s: s.timestamp() if s else float("inf")):
        pair = by_window[start]
        if Asset.Kind.GPU in pair and Asset.Kind.TOKENS in pair:
            return pair[Asset.Kind.GPU], pair[Asset.Kind.TOKENS]
    return None


def _place_in(session_round: SessionRound, agent: Agent, prices: dict[str, Decimal]) -> int:
    """The MaaS platform buys GPU-hours and tokens of one window as one package (it needs
    both to serve); the lab buys GPU-hours and sells tokens of that window (compute in,
    tokens out), a package it wants only at a small net cost."""
    pair = _window_pair(session_round)
    if pair is None:
        return 0
    gpu, tokens = pair
    gpu_price, token_price = prices[Asset.Kind.GPU], prices[Asset.Kind.TOKENS]
    rng = random.Random(session_round.pk)  # noqa: S311 - demo prices, not security
    hours, units = rng.randint(40, 120), rng.randint(100, 300)
    both = hours * gpu_price + units * token_price
    maas = [LegInput(gpu.market_id, "buy", hours), LegInput(tokens.market_id, "buy", units)]
    placed = _try_bundle("maas", session_round, both * Decimal("1.05"), maas, agent)
    hours, units = rng.randint(50, 150), rng.randint(150, 450)
    spread = hours * gpu_price * Decimal("1.05") - units * token_price * Decimal("0.95")
    lab = [LegInput(gpu.market_id, "buy", hours), LegInput(tokens.market_id, "sell", units)]
    return placed + _try_bundle("model-lab", session_round, spread, lab, agent)


def _try_bundle(
    slug: str, session_round: SessionRound, limit: Decimal, legs: list[LegInput], agent: Agent
) -> int:
    division = Division.objects.filter(slug=slug).first()
    if division is None:
        return 0
    try:
        bundles.bundle_place(
            user=agent(division),
            session_round_id=session_round.pk,
            limit=limit.quantize(Decimal("0.01")),
            legs=legs,
        )
    except MarketError:
        return 0
    return 1
