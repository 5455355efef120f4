"""The token chain's demo: the market demo's resources as series of ten-minute windows, minted
per window, a simulated platform metering usage, and an application booking revenue that flows
upstream. Every step is idempotent (keyed), so seeding twice or a repeated tick is harmless."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from divisions.models import Division
from ledger import services as ledger
from ledger.models import Account
from market import demo as market_demo
from market import demo_sessions, roles
from market.models import Market, Session
from market.services import rounds, sessions

from .errors import UsageRefused
from .models import CurrencyRate, RevenueTarget, Series, SharingRule, Window
from .services import revenue, usage, windows

WINDOW_MINUTES, GATE_MINUTES, AHEAD = 10, 3, 3
PASS_UP = {"assistant": "0.30", "agents": "0.30", "ecommerce": "0.25", "maas": "0.20",
           "model-lab": "0.40"}  # fmt: skip
PLATFORM_USER = "platform-meter"


@transaction.atomic
def seed_chain() -> list[tuple[str, str]]:
    """Series for the demo resources, their windows trading in the demo's session, sharing
    rules, a rate, a target, the platform account."""
    anchor = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    session = demo_sessions.demo_session()
    for spec in market_demo._demo_markets():
        series, _ = Series.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name, **spec.asset, "anchor": anchor,
                "window_minutes": WINDOW_MINUTES, "windows_ahead": AHEAD,
                "gate_minutes": GATE_MINUTES, "round_minutes": 2,
                "mint_division": Division.objects.get(slug=spec.seller),
                "mint_units": spec.capacity, "overage_price": spec.price,
                "session": session,
            },
        )  # fmt: skip
        _join_session(series, session)
    for slug, fraction in PASS_UP.items():
        division = Division.objects.get(slug=slug)
        SharingRule.objects.get_or_create(
            division=division, defaults={"pass_up": Decimal(fraction)}
        )
    CurrencyRate.objects.get_or_create(currency="USD", defaults={"credits_per_unit": 1})
    month = anchor.date().replace(day=1)
    RevenueTarget.objects.get_or_create(
        division=Division.objects.get(slug="assistant"), period_start=month,
        period_end=(month + timedelta(days=32)).replace(day=1) - timedelta(days=1),
        defaults={"amount": Decimal("60000.00")},
    )  # fmt: skip
    _platform_user()
    every, _ = IntervalSchedule.objects.get_or_create(every=20, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.get_or_create(
        name="Demo: meter usage and book revenue along the chain",
        defaults={"task": "chain.demo_tick", "interval": every},
    )
    return [(PLATFORM_USER, "the platform's metering account (reports usage, nothing else)")]


def _join_session(series: Series, session: Session) -> None:
    """A series seeded by an earlier demo joins the session, with its windows still trading."""
    if series.session_id is None:
        series.session = session
        series.save(update_fields=["session"])
    if series.session_id != session.pk:
        return  # management moved it elsewhere
    listed = Market.objects.filter(
        window__series=series, session__isnull=True, trading_ends_at__gt=timezone.now()
    )
    for market in listed:
        market.session = session
        market.save(update_fields=["session"])  # audited, like a change in admin


def _platform_user() -> object:
    user, created = get_user_model().objects.get_or_create(username=PLATFORM_USER)
    if created:
        user.set_unusable_password()
        user.save()
    roles.ensure_role_groups()
    user.groups.add(Group.objects.get(name=roles.PLATFORM))
    return user


def start(*, now: datetime | None = None) -> None:
    """List the windows and open each window market's first round (or its session's round),
    so trading starts at once."""
    windows.windows_tick(now=now)
    for market_id in Market.objects.filter(window__isnull=False).values_list("id", flat=True):
        new = rounds.round_schedule_next(market_id=market_id, now=now)
        if new is not None:
            rounds.round_open(round_id=new.pk, now=new.opens_at)
    sessions.session_rounds_tick(now=now)
    market_demo.demo_trade()


def demo_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Every 20 s (the market demo's own task trades): meter the windows in delivery, and book
    revenue every five minutes."""
    now = now or timezone.now()
    return {
        "usage": meter(now=now),
        "revenue": int(book_revenue(now=now)),
    }


def meter(*, now: datetime) -> int:
    """The simulated platform: each holder of a window in delivery uses part of what it holds;
    the MaaS platform now and then uses more than it bought (overage)."""
    user = _platform_user()
    tick = int(now.timestamp()) // 20
    rng = random.Random(tick)  # noqa: S311 - demo usage, not security
    records = []
    live = Window.objects.filter(starts_at__lte=now, ends_at__gt=now).select_related("asset")
    for window in live:
        holders = Account.objects.filter(asset=window.asset, kind="available").exclude(
            division=None
        ).select_related("division")  # fmt: skip
        held = ledger.balances_of(a.pk for a in holders)
        for account in holders:
            assert account.division is not None
            units = int(held.get(account.pk, 0) * Decimal(rng.uniform(0.05, 0.3)))
            if account.division.slug == "maas" and rng.random() < 0.3:
                units += rng.randint(5, 40)
            if units > 0:
                records.append(usage.UsageInput(
                    f"demo:{window.pk}:{account.division_id}:{tick}", account.division.slug,
                    window.asset.code, units, now,
                ))  # fmt: skip
    if not records:
        return 0
    try:
        return len(usage.usage_batch_record(by=user, records=records, now=now))
    except UsageRefused:
        return 0


def book_revenue(*, now: datetime) -> bool:
    """The consumer assistant books its revenue for today every five minutes."""
    slot = int(now.timestamp()) // 300
    rng = random.Random(slot)  # noqa: S311 - demo figures
    assistant = Division.objects.get(slug="assistant")
    lead = get_user_model().objects.get(username="assistant-lead")
    today = timezone.localdate(now)
    data = revenue.RevenueInput(
        division_id=assistant.pk, period_start=today, period_end=today,
        amount=Decimal(rng.randint(800, 2500)), currency="USD", source="app subscriptions",
        reference=f"demo-{slot}",
    )  # fmt: skip
    _record, replayed = revenue.revenue_record(by=lead, data=data)
    return not replayed
