"""Rolling delivery windows: beat lists each series' next windows, each an asset and a market.

A window's market stops at gate closure (`Market.trading_ends_at`): round scheduling never runs a
round past it, so no market trades a window that has started.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from divisions.models import Division
from ledger import services as ledger
from ledger.models import Asset
from market.models import Market

from ..labels import window_label
from ..models import Series, Window

log = logging.getLogger("tokenhub.chain")


def window_bounds(series: Series, number: int) -> tuple[datetime, datetime, datetime]:
    """Delivery start and end, and gate closure, of the series' window `number` (0 = anchor)."""
    length = timedelta(minutes=series.window_minutes)
    starts = series.anchor + number * length
    return starts, starts + length, starts - timedelta(minutes=series.gate_minutes)


def _first_unstarted(series: Series, now: datetime) -> int:
    if now < series.anchor:
        return 0
    length = timedelta(minutes=series.window_minutes)
    return (now - series.anchor) // length + 1


def series_windows_ensure(*, series_id: int, now: datetime | None = None) -> list[Window]:
    """Create the series' next `windows_ahead` windows that have not started and whose gate is
    still open; each comes with its asset, its market and its recurring mint. Idempotent."""
    now = now or timezone.now()
    series = Series.objects.get(pk=series_id)
    if not series.active:
        return []
    first = _first_unstarted(series, now)
    created = []
    for number in range(first, first + series.windows_ahead):
        window = window_create(series_id=series.pk, number=number, now=now)
        if window is not None:
            created.append(window)
    return created


@transaction.atomic
def window_create(*, series_id: int, number: int, now: datetime | None = None) -> Window | None:
    """One window of a series, created once (the series row serialises creators)."""
    series = Series.objects.select_for_update().get(pk=series_id)
    starts, ends, gate = window_bounds(series, number)
    if gate <= (now or timezone.now()) or series.windows.filter(number=number).exists():
        return None
    name = f"{series.name} · {window_label(starts, ends)}"
    asset = Asset.objects.create(
        code=f"{series.slug}-w{number}",
        name=name,
        kind=series.kind,
        gpu_type=series.gpu_type,
        pool=series.pool,
        model_name=series.model_name,
        delivery_start=starts,
        delivery_end=ends,
    )
    market = Market.objects.create(asset=asset, name=name, slug=asset.code, **_rules(series, gate))
    window = Window.objects.create(
        series=series, number=number, asset=asset, market=market,
        starts_at=starts, ends_at=ends, gate_closes_at=gate,
    )  # fmt: skip
    if series.mint_division_id is not None and series.mint_units > 0:
        window_mint(window=window, division_id=series.mint_division_id, units=series.mint_units)
    log.info("window created", extra={"window_id": window.pk, "series_id": series.pk})
    return window


def _rules(series: Series, gate: datetime) -> dict[str, Any]:
    return {
        "tick": series.tick,
        "floor": series.floor,
        "cap": series.cap,
        "rule": series.rule,
        "round_minutes": series.round_minutes,
        "gap_minutes": series.gap_minutes,
        "trading_ends_at": gate,
        "session_id": series.session_id,
    }


def window_mint(*, window: Window, division_id: int, units: int, by: Any = None) -> None:
    """The series' recurring mint for one window, posted once (keyed by the window)."""
    ledger.units_mint(
        division=Division.objects.get(pk=division_id),
        asset=window.asset,
        quantity=units,
        by=by,
        memo=f"Capacity of {window.asset.name}",
        key=f"window:{window.pk}:mint",
    )


def windows_tick(*, now: datetime | None = None) -> int:
    """Beat: list every active series' upcoming windows; returns how many were created."""
    ids = Series.objects.filter(active=True).values_list("id", flat=True)
    return sum(len(series_windows_ensure(series_id=pk, now=now)) for pk in ids)
