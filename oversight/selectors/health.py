"""The market-health view's reads: a fixed number of queries, however long the history.

Everything per round comes from ``RoundStats``/``RoundShare`` (written at settlement), grouped
by day or month in SQL; concentration (HHI: the sum of squared percentage shares, 0 to 10,000)
is computed here from the monthly per-division sums, which are few.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, Q, Sum, Window
from django.db.models.functions import Abs, Lag, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration.models import Dispute, RulingEffect
from arbitration.models.disputes import OPEN_STATES
from divisions.selectors import division_names
from ledger.models import Account, Entry
from market.models import Market
from notifications.messages import describe

from ..access import require_oversight
from ..models import AlertRaised, HealthAlert, RoundShare, RoundStats
from .utilisation import Utilisation, utilisation

MONEY = DecimalField(max_digits=30, decimal_places=2)
RECENT = 20
ALERTS = 10  # the latest of each kind


@dataclass
class Period:
    """One market's month: volume, prices, what went unfilled, and who bought and sold."""

    month: date
    rounds: int = 0
    no_trade: int = 0
    volume: int = 0
    vwap: Decimal | None = None
    unfilled_demand: int = 0
    unsold_supply: int = 0
    bought: dict[int, int] = field(default_factory=dict)
    sold: dict[int, int] = field(default_factory=dict)
    hhi_buy: int = 0
    hhi_sell: int = 0
    top_buyer: tuple[str, Decimal] | None = None
    top_seller: tuple[str, Decimal] | None = None


@dataclass
class MarketHealth:
    market: Market
    periods: list[Period] = field(default_factory=list)
    chart: dict[str, Any] = field(
        default_factory=lambda: {
            "span": "year",
            "bucket": "day",
            "zone": timezone.get_current_timezone_name(),
            "price": [],
            "volume": [],
        }
    )


@dataclass
class Health:
    since: datetime
    markets: list[MarketHealth]
    divisions: list[tuple[str, int, int, Decimal, Decimal]]
    recent: list[RoundStats]
    escrow: list[tuple[str, Decimal]]
    disputes: list[dict[str, Any]]
    rulings: list[dict[str, Any]]
    alerts: list[str]
    raised: list[tuple[AlertRaised, str]] = field(default_factory=list)
    utilisation: Utilisation | None = None


def _shares(units: dict[int, int], names: dict[int, str]) -> tuple[int, tuple[str, Decimal] | None]:
    total = sum(units.values())
    if not total:
        return 0, None
    pct = {d: Decimal(100) * u / total for d, u in units.items()}
    hhi = int(sum((p * p for p in pct.values()), Decimal(0)).to_integral_value())
    top = max(pct, key=lambda d: (pct[d], -d))
    return hhi, (names.get(top, str(top)), pct[top].quantize(Decimal("0.1")))


def market_health(*, user: Any, months: int = 12) -> Health:
    """Every market's health since ``months`` ago, for management and auditors (15 queries)."""
    require_oversight(user)
    since = timezone.now() - timedelta(days=31 * months)
    stats = RoundStats.objects.filter(settled_at__gte=since)
    # a delivery window's market is shown once it settled a round in the period: a year of
    # windows is thousands of markets, most of them long over
    shown = Market.objects.filter(Q(window__isnull=True) | Q(pk__in=stats.values("market_id")))
    markets = {
        m.pk: MarketHealth(m) for m in shown.select_related("window__series").order_by("name")
    }
    _daily(markets, stats)
    periods = _monthly(markets, stats, since)
    names = division_names()
    divisions = _division_totals(periods, names)
    for period in periods.values():
        period.hhi_buy, period.top_buyer = _shares(period.bought, names)
        period.hhi_sell, period.top_seller = _shares(period.sold, names)
    alerts = list(HealthAlert.objects.select_related("market"))
    return Health(
        since=since,
        markets=list(markets.values()),
        divisions=divisions,
        recent=list(stats.select_related("round__market").order_by("-settled_at")[:RECENT]),
        escrow=_escrow(),
        disputes=_disputes(),
        rulings=_rulings(),
        alerts=_alerts(alerts, markets, stats, periods),
        raised=_raised({pk: view.market.display_name for pk, view in markets.items()}, since),
        utilisation=utilisation(since=since),
    )


def _raised(names: dict[int, str], since: datetime) -> list[tuple[AlertRaised, str]]:
    """The period's latest alerts raised at settlement (and sent to management and auditors),
    said as their notification says them (one query: their markets are among ``names``)."""
    rows = (
        AlertRaised.objects.filter(raised_at__gte=since)
        .select_related("event", "round")
        .order_by("-raised_at", "-id")
    )
    return [(row, describe(row.event, names).text) for row in rows[:RECENT]]


def _value() -> ExpressionWrapper:
    return ExpressionWrapper(F("price") * F("volume"), output_field=MONEY)


def _daily(markets: dict[int, MarketHealth], stats: Any) -> None:
    rows = (
        stats.annotate(day=TruncDate("settled_at"))
        .values("market_id", "day")
        .annotate(traded=Sum("volume"), value=Sum(_value()))
        .order_by("market_id", "day")
    )
    zone = timezone.get_current_timezone()
    for row in rows:
        chart = markets[row["market_id"]].chart
        at = int(datetime.combine(row["day"], time(), tzinfo=zone).timestamp() * 1000)
        price = row["value"] / row["traded"] if row["traded"] else None
        shown = None if price is None else str(price.quantize(Decimal("0.01")))
        chart["price"].append({"x": at, "y": shown})
        chart["volume"].append({"x": at, "y": row["traded"]})


def _monthly(
    markets: dict[int, MarketHealth], stats: Any, since: datetime
) -> dict[tuple[int, date], Period]:
    periods: dict[tuple[int, date], Period] = {}
    rows = (
        stats.annotate(month=TruncMonth("settled_at"))
        .values("market_id", "month")
        .annotate(
            rounds=Count("id"),
            no_trade=Count("id", filter=Q(volume=0)),
            traded=Sum("volume"),
            value=Sum(_value()),
            unfilled=Sum(F("bid_units") - F("volume")),
            unsold=Sum(F("ask_units") - F("volume")),
        )
        .order_by("market_id", "month")
    )
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        period = Period(month=month, rounds=row["rounds"], no_trade=row["no_trade"])
        period.volume, period.unfilled_demand = row["traded"], row["unfilled"]
        period.unsold_supply = row["unsold"]
        if row["traded"]:
            period.vwap = (row["value"] / row["traded"]).quantize(Decimal("0.01"))
        periods[(row["market_id"], month)] = period
        markets[row["market_id"]].periods.append(period)
    shares = (
        RoundShare.objects.filter(settled_at__gte=since)
        .annotate(month=TruncMonth("settled_at"))
        .values("market_id", "month", "division_id", "side")
        .annotate(units=Sum("units"))
    )
    for row in shares:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        found = periods.get((row["market_id"], month))
        if found is not None:
            side = found.bought if row["side"] == "buy" else found.sold
            side[row["division_id"]] = row["units"]
    return periods


def _division_totals(
    periods: dict[tuple[int, date], Period], names: dict[int, str]
) -> list[tuple[str, int, int, Decimal, Decimal]]:
    bought: dict[int, int] = defaultdict(int)
    sold: dict[int, int] = defaultdict(int)
    for period in periods.values():
        for d, u in period.bought.items():
            bought[d] += u
        for d, u in period.sold.items():
            sold[d] += u
    total_b, total_s = sum(bought.values()) or 1, sum(sold.values()) or 1
    rows = [
        (
            names.get(d, str(d)),
            bought[d],
            sold[d],
            (Decimal(100) * bought[d] / total_b).quantize(Decimal("0.1")),
            (Decimal(100) * sold[d] / total_s).quantize(Decimal("0.1")),
        )
        for d in set(bought) | set(sold)
    ]
    return sorted(rows, key=lambda row: (-(row[1] + row[2]), row[0]))


def _escrow() -> list[tuple[str, Decimal]]:
    rows = (
        Entry.objects.filter(account__kind=Account.Kind.HELD, account__division__isnull=False)
        .values("account__asset__code")
        .annotate(total=Sum("amount"))
        .order_by("account__asset__code")
    )
    return [(row["account__asset__code"], row["total"]) for row in rows if row["total"]]


def _disputes() -> list[dict[str, Any]]:
    now = timezone.now()
    rows = (
        Dispute.objects.filter(state__in=OPEN_STATES)
        .values("state")
        .annotate(count=Count("id"), amount=Sum("claimed_amount"), oldest=Min("filed_at"))
        .order_by("state")
    )
    labels = dict(Dispute.State.choices)
    return [
        {**row, "label": labels.get(row["state"], row["state"]), "age": now - row["oldest"]}
        for row in rows
    ]


def _rulings() -> list[dict[str, Any]]:
    rows = (
        RulingEffect.objects.values("kind")
        .annotate(count=Count("id"), credits=Sum(Abs("credits")), units=Sum(Abs("unit_delta")))
        .order_by("kind")
    )
    labels = dict(RulingEffect.Kind.choices)
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]


def _alerts(
    alerts: list[HealthAlert],
    markets: dict[int, MarketHealth],
    stats: Any,
    periods: dict[tuple[int, date], Period],
) -> list[str]:
    """What the alerts management set flag now (two queries, whichever alerts exist)."""
    found: list[str] = []
    kind = HealthAlert.Kind
    moves = [a for a in alerts if a.kind == kind.PRICE_MOVE]
    lowest = min((a.threshold for a in moves), default=Decimal(100000))
    moved = (
        stats.exclude(price=None)
        .annotate(
            before=Window(
                Lag("price"), partition_by=[F("market_id")], order_by=F("settled_at").asc()
            )
        )
        .annotate(move=Abs(F("price") - F("before")) * 100 - lowest * F("before"))
        .filter(before__gt=0, move__gt=0)
        .order_by("-settled_at")
    )
    rows = moved.values("market_id", "round__number", "price", "before")[:ALERTS]
    for row in rows:
        change = (row["price"] - row["before"]) * 100 / row["before"]
        for alert in moves:
            if _applies(alert, row["market_id"]) and abs(change) > alert.threshold:
                found.append(
                    _("%(market)s round %(number)s: price moved %(change)s%% (alert: %(n)s%%).")
                    % {
                        "market": markets[row["market_id"]].market,
                        "number": row["round__number"],
                        "change": change.quantize(Decimal("0.1")),
                        "n": alert.threshold,
                    }
                )
    found += _no_trade_alerts(alerts, markets, stats)
    found += _share_alerts(alerts, markets, periods)[-ALERTS:]
    return found


def _applies(alert: HealthAlert, market_id: int) -> bool:
    return alert.market_id is None or alert.market_id == market_id


def _no_trade_alerts(
    alerts: list[HealthAlert], markets: dict[int, MarketHealth], stats: Any
) -> list[str]:
    watching = [a for a in alerts if a.kind == HealthAlert.Kind.NO_TRADE]
    rows = stats.filter(volume=0).order_by("-settled_at").values("market_id", "round__number")
    return [
        _("%(market)s round %(number)s: no trade.")
        % {"market": markets[row["market_id"]].market, "number": row["round__number"]}
        for row in rows[:ALERTS]
        if any(_applies(a, row["market_id"]) for a in watching)
    ]


def _share_alerts(
    alerts: list[HealthAlert],
    markets: dict[int, MarketHealth],
    periods: dict[tuple[int, date], Period],
) -> list[str]:
    found = []
    for alert in (a for a in alerts if a.kind == HealthAlert.Kind.DIVISION_SHARE):
        for (market_id, month), period in sorted(periods.items()):
            if not _applies(alert, market_id):
                continue
            for role, top in ((_("buyer"), period.top_buyer), (_("seller"), period.top_seller)):
                if top is not None and top[1] > alert.threshold:
                    found.append(
                        _(
                            "%(market)s, %(month)s: %(division)s is %(share)s%% of the volume "
                            "as %(role)s (alert: %(n)s%%)."
                        )
                        % {
                            "market": markets[market_id].market,
                            "month": month.strftime("%Y-%m"),
                            "division": top[0],
                            "share": top[1],
                            "role": role,
                            "n": alert.threshold,
                        }
                    )
    return found
