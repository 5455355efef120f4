"""Render the market-health view over a year of synthetic settled rounds on PostgreSQL.

    python bench/health_bench.py [--markets 6] [--rounds-per-day 24] [--divisions 8]
                                 [--series 2] [--windows-per-day 4]

Uses its own database (``tokenhub_health_bench`` unless BENCH_DATABASE_URL is set), dropped and
migrated afresh. Setup writes the per-round figures settlement keeps (``RoundStats`` and
``RoundShare``) for a year of rounds, and for a year of ended delivery windows (each with its
asset and market) the utilisation kept per window and division; the timed part is a GET of
/oversight/health/ by a management user through Django's test client (selector, template and
chart data), five times.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tokenhub_health_bench"
)


def fresh_database() -> None:
    name = URL.rsplit("/", 1)[1]
    admin_url = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tokenhub.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(markets: int, per_day: int, divisions: int, seed: int) -> int:
    from django.utils import timezone

    from divisions.models import Division
    from ledger.models import Asset
    from market.models import Market, Round
    from oversight.models import HealthAlert, RoundShare, RoundStats

    rng = random.Random(seed)
    people = Division.objects.bulk_create(
        Division(name=f"Division {i}", slug=f"division-{i}") for i in range(divisions)
    )
    start = timezone.now() - timedelta(days=365)
    step = timedelta(hours=24 / per_day)
    count = 365 * per_day
    for m in range(markets):
        asset = Asset.objects.create(
            code=f"gpu-{m}", name=f"GPU {m}", kind="gpu", delivery_start=start, delivery_end=start
        )
        market = Market.objects.create(asset=asset, name=f"GPU market {m}", slug=f"gpu-{m}")
        rounds = Round.objects.bulk_create(
            (
                Round(
                    market=market,
                    number=i + 1,
                    state="settled",
                    opens_at=start + step * i,
                    closes_at=start + step * (i + 1),
                    tick=Decimal("0.01"),
                    rule="midpoint",
                    price=Decimal(rng.randint(150, 350)) / 100,
                    volume=rng.randint(0, 500),
                )
                for i in range(count)
            ),
            batch_size=5000,
        )
        RoundStats.objects.bulk_create(
            (
                RoundStats(
                    round=r,
                    market=market,
                    settled_at=r.closes_at,
                    price=r.price if r.volume else None,
                    volume=r.volume,
                    bid_units=r.volume + rng.randint(0, 100),
                    ask_units=r.volume + rng.randint(0, 100),
                )
                for r in rounds
            ),
            batch_size=5000,
        )
        RoundShare.objects.bulk_create(
            (
                RoundShare(
                    round=r,
                    market=market,
                    division=people[rng.randrange(divisions // 2) * 2 + side_index],
                    side=side,
                    units=r.volume,
                    settled_at=r.closes_at,
                )
                for r in rounds
                if r.volume
                for side_index, side in enumerate(("buy", "sell"))
            ),
            batch_size=5000,
        )
    HealthAlert.objects.create(kind="price_move", threshold=Decimal("40"))
    HealthAlert.objects.create(kind="division_share", threshold=Decimal("30"))
    HealthAlert.objects.create(kind="no_trade")
    return markets * count


def build_windows(series: int, per_day: int, seed: int) -> int:
    """A year of ended windows per series, each delivered, consumed and expired by 4 divisions."""
    from django.utils import timezone

    from chain.models import Series, Window
    from divisions.models import Division
    from ledger.models import Asset
    from market.models import Market
    from oversight.models import DivisionUtilisation, WindowUtilisation

    rng = random.Random(seed)
    holders = list(Division.objects.order_by("pk")[:4])
    start = timezone.now() - timedelta(days=365)
    step = timedelta(hours=24 / per_day)
    count = 365 * per_day
    for s in range(series):
        line = Series.objects.create(
            name=f"Series {s}",
            slug=f"series-{s}",
            kind="gpu",
            anchor=start,
            window_minutes=int(step.total_seconds() // 60),
            gate_minutes=0,
        )
        assets = Asset.objects.bulk_create(
            (
                Asset(
                    code=f"w-{s}-{i}",
                    name=f"Series {s} window {i}",
                    kind="gpu",
                    delivery_start=start + step * i,
                    delivery_end=start + step * (i + 1),
                )
                for i in range(count)
            ),
            batch_size=5000,
        )
        markets = Market.objects.bulk_create(
            (Market(asset=a, name=a.name, slug=a.code) for a in assets), batch_size=5000
        )
        windows = Window.objects.bulk_create(
            (
                Window(
                    series=line,
                    number=i + 1,
                    asset=a,
                    market=m,
                    starts_at=a.delivery_start,
                    ends_at=a.delivery_end,
                    gate_closes_at=a.delivery_start,
                    expired_at=a.delivery_end,
                )
                for i, (a, m) in enumerate(zip(assets, markets, strict=True))
            ),
            batch_size=5000,
        )
        kept = []
        for w in windows:
            rows = []
            for d in holders:
                held = rng.randint(0, 100)
                consumed = rng.randint(0, held)
                rows.append(
                    DivisionUtilisation(
                        window=w,
                        series=line,
                        division=d,
                        starts_at=w.starts_at,
                        held=held,
                        consumed=consumed,
                        expired=held - consumed,
                        overage=rng.randint(0, 5),
                    )
                )
            kept.append(rows)
        DivisionUtilisation.objects.bulk_create(
            (row for rows in kept for row in rows), batch_size=5000
        )
        WindowUtilisation.objects.bulk_create(
            (
                WindowUtilisation(
                    window=w,
                    series=line,
                    starts_at=w.starts_at,
                    delivered=sum(r.held for r in rows),
                    consumed=sum(r.consumed for r in rows),
                    expired=sum(r.expired for r in rows),
                    overage=sum(r.overage for r in rows),
                )
                for w, rows in zip(windows, kept, strict=True)
            ),
            batch_size=5000,
        )
    return series * count


def render(times: int) -> tuple[list[float], int]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from market import roles

    roles.ensure_role_groups()
    user = get_user_model().objects.create(username="bench-management", is_staff=True)
    user.groups.add(roles.Group.objects.get(name=roles.MANAGEMENT))
    client = Client()
    client.force_login(user)
    seconds = []
    for _ in range(times):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get("/oversight/health/")
            seconds.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    return seconds, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markets", type=int, default=6)
    parser.add_argument("--rounds-per-day", type=int, default=24)
    parser.add_argument("--divisions", type=int, default=8)
    parser.add_argument("--series", type=int, default=2)
    parser.add_argument("--windows-per-day", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    fresh_database()
    setup_django()
    began = time.perf_counter()
    rounds = build(args.markets, args.rounds_per_day, args.divisions, args.seed)
    windows = build_windows(args.series, args.windows_per_day, args.seed)
    print(
        f"setup: {rounds:,} settled rounds and {windows:,} ended windows "
        f"in {time.perf_counter() - began:.1f} s"
    )
    seconds, queries = render(5)
    print(
        f"GET /oversight/health/ over a year: median {statistics.median(seconds):.3f} s, "
        f"min {min(seconds):.3f} s, max {max(seconds):.3f} s, {queries} queries per render"
    )


if __name__ == "__main__":
    main()
