"""Settle one round end to end on PostgreSQL: orders in the database → settled ledger.

    python bench/settle_bench.py [--orders 100000] [--divisions 100]

Uses its own database (``tokenhub_bench`` on 127.0.0.1 unless BENCH_DATABASE_URL is set), dropped
and migrated afresh each run. Setup (divisions, grants, mints, orders and their escrow) is not
timed; the timed part is exactly what a worker does with a closed round: ``round_clear`` (read the
book, run the engine, write fills and order states) and ``round_settle`` (one ledger transaction).
"""

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tokenhub_bench")


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


def build_round(n_orders: int, n_divisions: int, seed: int, code: str = "bench") -> int:
    """A closed round holding n_orders orders, escrow held per division as placing would."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from divisions.models import Division
    from ledger import services as ledger
    from ledger.models import Asset
    from market.models import Market, Membership, Order
    from market.services import rounds

    rng = random.Random(seed)
    user = get_user_model().objects.create(username=f"{code}-user")
    asset = Asset.objects.create(
        code=f"{code}-gpu",
        name=f"{code} GPU-hours",
        kind="gpu",
        delivery_start=timezone.now(),
        delivery_end=timezone.now(),
    )
    market = Market.objects.create(asset=asset, name=code, slug=code)
    divisions = [
        Division.objects.create(name=f"{code}-D{i}", slug=f"{code}-d{i}")
        for i in range(n_divisions)
    ]
    for division in divisions:
        Membership.objects.create(
            user=get_user_model().objects.create(username=division.slug),
            division=division,
            role="lead",
        )
    round_ = rounds.round_schedule_next(market_id=market.pk)
    rounds.round_open(round_id=round_.pk)
    orders, escrow = [], defaultdict(Decimal)
    for i in range(n_orders):
        buyer = i % 2 == 0
        division = divisions[((i // 2) % (n_divisions // 2)) * 2 + (0 if buyer else 1)]
        qty, limit = rng.randint(1, 100), Decimal(rng.randint(200, 400)) / 100
        orders.append(
            Order(
                round=round_,
                division=division,
                side="buy" if buyer else "sell",
                quantity=qty,
                limit=limit,
                placed_by=user,
                seq=i,
            )
        )
        escrow[division.pk] += qty * limit if buyer else qty
    Order.objects.bulk_create(orders, batch_size=10_000)
    credits = ledger.credits_asset()
    for index, division in enumerate(divisions):
        amount = escrow[division.pk]
        if index % 2 == 0:  # even divisions bid, odd ones ask
            ledger.credits_grant(division=division, amount=amount + 1000, by=None)
            ledger.hold(division=division, asset=credits, amount=amount)
        else:
            ledger.units_mint(division=division, asset=asset, quantity=amount + 10, by=None)
            ledger.hold(division=division, asset=asset, amount=amount)
    rounds.round_close(round_id=round_.pk, now=round_.closes_at)
    return round_.pk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--divisions", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    fresh_database()
    setup_django()
    started = time.perf_counter()
    round_id = build_round(args.orders, args.divisions, args.seed)
    print(
        f"setup: {args.orders} orders from {args.divisions} divisions "
        f"in {time.perf_counter() - started:.1f} s (not timed)"
    )

    from market.models import Fill, Round
    from market.selectors import asset_totals
    from market.services import rounds

    t0 = time.perf_counter()
    rounds.round_clear(round_id=round_id)
    t1 = time.perf_counter()
    rounds.round_settle(round_id=round_id)
    t2 = time.perf_counter()
    round_ = Round.objects.get(pk=round_id)
    print(f"clear  (book → engine → fills, order states): {t1 - t0:6.2f} s")
    print(f"settle (one ledger transaction):               {t2 - t1:6.2f} s")
    print(f"total  orders in the database → settled:       {t2 - t0:6.2f} s  (target 10 s)")
    print(
        f"round {round_.state}: price {round_.price}, volume {round_.volume}, "
        f"{Fill.objects.filter(round_id=round_id).count()} fills"
    )
    totals = asset_totals()
    print("ledger sums per asset:", {k: str(v) for k, v in totals.items()})
    assert all(v == 0 for v in totals.values())


if __name__ == "__main__":
    main()
