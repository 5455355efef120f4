"""Raising the alerts management set when a round settles, and telling management.

Called by ``round_stats_record`` in the settlement transaction, with the round locked FOR
UPDATE and its figures just written. Each alert that applies to the round's market is checked
against this round:

- *a division's share above N%*: a division bought (or sold) more than N% of the units the
  round traded on its side;
- *a price move above N%*: the round's price differs from the market's previous settled price
  by more than N% of that previous price (rounds without a price are skipped, as on the view);
- *a round with no trade*: the round settled with volume 0.

An alert that fires writes one ``AlertRaised`` row (unique per alert and round) and one
``health.alert`` event without a division: the inbox fans it out to management and auditors
after the commit and e-mails those who opted in. The round's lock, the unique row and the
fan-out's own idempotence make sure nobody is told twice of one alert in one round.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Q

from divisions.models import Division
from events.models import Event
from events.services import Draft, events_emit
from market.models import Round

from ..models import AlertRaised, HealthAlert, RoundStats

ONE_PLACE = Decimal("0.1")


def alerts_raise(
    *, round_: Round, stats: RoundStats, shares: Iterable[Mapping[str, Any]]
) -> list[AlertRaised]:
    """Check every alert of the round's market against it; record and announce those that fire.

    ``shares`` are the round's units per division and side (``division_id``, ``side``,
    ``units``). One query when no alert is set; a few more only when one is."""
    alerts = list(
        HealthAlert.objects.filter(Q(market__isnull=True) | Q(market_id=round_.market_id))
    )
    if not alerts:
        return []
    kind = HealthAlert.Kind
    base = {"round": round_.pk, "market": round_.market_id, "number": round_.number}
    found: list[tuple[HealthAlert, dict[str, Any]]] = []
    moves = [a for a in alerts if a.kind == kind.PRICE_MOVE]
    move = _price_move(stats) if moves and stats.price is not None else None
    over = _shares_over(shares, [a for a in alerts if a.kind == kind.DIVISION_SHARE])
    for alert in alerts:
        data = {**base, "alert": alert.pk, "alert_kind": alert.kind}
        data["threshold"] = str(alert.threshold)
        if alert.kind == kind.NO_TRADE and stats.volume == 0:
            found.append((alert, data))
        elif alert.kind == kind.PRICE_MOVE and move is not None:
            before, change = move
            if abs(change) > alert.threshold:
                data.update(before=str(before), price=str(stats.price), change=_pct(change))
                found.append((alert, data))
        elif alert.kind == kind.DIVISION_SHARE:
            wanted = [row for row in over if row[2] > alert.threshold]
            if wanted:
                data["over"] = [
                    {"division": d, "side": side, "share": _pct(share)} for d, side, share in wanted
                ]
                found.append((alert, data))
    return _record(round_, stats, found)


def _pct(value: Decimal) -> str:
    return str(value.quantize(ONE_PLACE))


def _price_move(stats: RoundStats) -> tuple[Decimal, Decimal] | None:
    """The market's previous settled price and the move to this round's, in % (one query)."""
    before = (
        RoundStats.objects.filter(market_id=stats.market_id, price__isnull=False)
        .exclude(pk=stats.pk)
        .filter(settled_at__lte=stats.settled_at)
        .order_by("-settled_at", "-id")
        .values_list("price", flat=True)
        .first()
    )
    if before is None or before <= 0 or stats.price is None:
        return None
    return before, (stats.price - before) * 100 / before


def _shares_over(
    shares: Iterable[Mapping[str, Any]], alerts: list[HealthAlert]
) -> list[tuple[int, str, Decimal]]:
    """(division, side, % of the side's units) above the lowest share alert's threshold."""
    if not alerts:
        return []
    rows = list(shares)
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["side"]] = totals.get(row["side"], 0) + int(row["units"])
    lowest = min(a.threshold for a in alerts)
    found = [
        (
            int(row["division_id"]),
            str(row["side"]),
            Decimal(100) * row["units"] / totals[row["side"]],
        )
        for row in rows
        if totals[row["side"]]
    ]
    return sorted(
        (row for row in found if row[2] > lowest), key=lambda row: (row[1], -row[2], row[0])
    )


def _record(
    round_: Round, stats: RoundStats, found: list[tuple[HealthAlert, dict[str, Any]]]
) -> list[AlertRaised]:
    if not found:
        return []
    already = set(AlertRaised.objects.filter(round=round_).values_list("alert_id", flat=True))
    found = [(alert, data) for alert, data in found if alert.pk not in already]
    divisions = {d["division"] for _, data in found for d in data.get("over", [])}
    if divisions:  # names kept in the event, both: the notification reads without a query
        names = {
            pk: (name, name_en)
            for pk, name, name_en in Division.objects.filter(pk__in=divisions).values_list(
                "pk", "name", "name_en"
            )
        }
        for _, data in found:
            for row in data.get("over", []):
                row["name"], row["name_en"] = names.get(row["division"], (str(row["division"]), ""))
    events = events_emit(
        drafts=[Draft(Event.Kind.HEALTH_ALERT, None, Round, round_.pk, data) for _, data in found]
    )
    return AlertRaised.objects.bulk_create(
        AlertRaised(
            alert=alert, round=round_, kind=alert.kind, event=event, raised_at=stats.settled_at
        )
        for (alert, _), event in zip(found, events, strict=True)
    )
