"""A division's ledger history against what its requests cost: 1k, 100k and 1M entries.

    python bench/ledger_bench.py [--sizes 1000,100000,1000000] [--orders 300]

Uses its own database (``tokenhub_ledger_bench`` on 127.0.0.1 unless BENCH_DATABASE_URL is set),
dropped and migrated afresh. One division's available credits account is given a history in
bulk (hold/release pairs between its available and held accounts, each entry with the balance
after it, as postings write them); at each size it prints:

- order placement through the service (`order_place`, which locks the two accounts and holds
  escrow), then cancelling: mean milliseconds and SQL statements per order;
- what the old balance check cost: one SUM over the account's entries;
- the dashboard, the statement's first and last page, and the CSV export of the whole account
  (through Django's test client): SQL statements and milliseconds each.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tokenhub_ledger_bench"
)
PER_PAGE = 50


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
    os.environ["DEBUG"] = "true"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_world() -> tuple[object, int, int, int]:
    """A lead of one division with credits, and an open round of a GPU market."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from divisions.models import Division
    from ledger import services as ledger
    from ledger.models import Account, Asset
    from market.models import Market, Membership, Round

    lead = get_user_model().objects.create(username="bench-lead")
    division = Division.objects.create(name="Bench", slug="bench")
    Membership.objects.create(user=lead, division=division, role=Membership.Role.LEAD)
    now = timezone.now()
    asset = Asset.objects.create(
        code="bench-gpu",
        name="Bench GPU",
        kind=Asset.Kind.GPU,
        delivery_start=now + timedelta(days=1),
        delivery_end=now + timedelta(days=2),
    )
    market = Market.objects.create(name="Bench market", slug="bench", asset=asset)
    round_ = Round.objects.create(
        market=market,
        number=1,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        state=Round.State.OPEN,
        tick=market.tick,
        floor=market.floor,
        cap=market.cap,
        rule=market.rule,
    )
    ledger.credits_grant(division=division, amount=Decimal("1000000.00"), by=None)
    credits = ledger.credits_asset()
    ledger.hold(division=division, asset=credits, amount="1.00")  # both accounts exist
    ledger.release(division=division, asset=credits, amount="1.00")
    accounts = dict(
        Account.objects.filter(division=division, asset=credits).values_list("kind", "pk")
    )
    return lead, round_.pk, accounts["available"], accounts["held"]


HISTORY_SQL = """
WITH t AS (
  INSERT INTO ledger_ledgertransaction (public_id, reason, memo, created_at, reference_id)
  SELECT gen_random_uuid(), CASE WHEN g %% 2 = 1 THEN 'hold' ELSE 'release' END, 'history',
         now() - interval '1 second' * (%(n)s - g), NULL
  FROM generate_series(1, %(n)s) g
  RETURNING id, reason
), e AS (
  SELECT t.id, a.account_id,
         CASE WHEN (t.reason = 'hold') = (a.account_id = %(available)s) THEN -0.01 ELSE 0.01 END
           AS amount
  FROM t CROSS JOIN (VALUES (%(available)s::bigint), (%(held)s::bigint)) a (account_id)
)
INSERT INTO ledger_entry (transaction_id, account_id, amount, balance_after)
SELECT e.id, e.account_id, e.amount,
       COALESCE((SELECT balance FROM ledger_account WHERE id = e.account_id), 0)
       + SUM(e.amount) OVER (PARTITION BY e.account_id ORDER BY e.id)
FROM e ORDER BY e.id, e.account_id
"""


def add_history(n: int, available: int, held: int) -> None:
    """n transactions, each one entry on the available and one on the held account.

    A hold is followed by its release, so the balances end where they began; the rows are the
    same a posting writes (balance after each entry), loaded in one statement. Ids come after
    every posting so far, as they would."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(HISTORY_SQL, {"n": n - n % 2, "available": available, "held": held})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_entry")
        cursor.execute("VACUUM ANALYZE ledger_ledgertransaction")


def entries_of(account: int) -> int:
    from ledger.models import Entry

    return Entry.objects.filter(account_id=account).count()


def placement(lead: object, round_id: int, n: int) -> tuple[float, float, float]:
    """Mean ms per placement and per cancel, and statements per placement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from market.services import orders

    placed, cancelled, statements = [], [], []
    for i in range(n):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            order = orders.order_place(
                user=lead, round_id=round_id, side="buy", quantity=1 + i % 5, limit="2.00"
            )
            placed.append(time.perf_counter() - start)
        statements.append(len(queries))
        start = time.perf_counter()
        orders.order_cancel(user=lead, order_id=order.pk)
        cancelled.append(time.perf_counter() - start)
    # the middle 80% (the first few warm caches; a machine shared by others has outliers)
    trim = max(n // 10, 1)

    def mean(xs: list[float]) -> float:
        return statistics.mean(sorted(xs)[trim:-trim]) * 1000

    return mean(placed), mean(cancelled), statistics.mean(statements)


def sum_cost(account: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        start = time.perf_counter()
        for _ in range(3):
            cursor.execute("SELECT SUM(amount) FROM ledger_entry WHERE account_id = %s", [account])
            cursor.fetchone()
        return (time.perf_counter() - start) / 3 * 1000


def pages(lead: object) -> dict[str, tuple[int, float, int]]:
    """Statements, milliseconds and bytes of each page, read as the lead."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ledger import services as ledger
    from market.selectors.statement import Statement, StatementFilter

    client = Client()
    client.force_login(lead)  # type: ignore[arg-type]
    division = lead.membership.division  # type: ignore[attr-defined]
    filters = StatementFilter(asset=ledger.credits_asset())
    count = Statement(division=division, filters=filters).count()
    last = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    urls = {
        "dashboard": "/dashboard/",
        "statement, first page": "/ledger/",
        "statement, last page": f"/ledger/?page={last}",
        "CSV export": "/ledger/?format=csv",
    }
    client.get("/dashboard/")  # warm the session and caches
    out = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        out[name] = (len(queries), elapsed, len(body))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--orders", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    fresh_database()
    setup_django()
    from django.conf import settings

    settings.DEBUG = False  # the test client renders as production does
    lead, round_id, available, held = build_world()
    results = {}
    for size in sizes:
        have = entries_of(available)
        if size > have:
            start = time.perf_counter()
            add_history(size - have, available, held)
            print(f"loaded {size - have:,} transactions in {time.perf_counter() - start:.1f} s")
        have = entries_of(available)
        place_ms, cancel_ms, statements = placement(lead, round_id, args.orders)
        results[size] = (have, place_ms, cancel_ms, statements, sum_cost(available), pages(lead))
        from ledger.reconcile import differences

        assert differences() == [], "the bench's history does not reconcile"
        print(
            f"{have:>9,} entries: placement {place_ms:.2f} ms ({statements:.0f} statements), "
            f"cancel {cancel_ms:.2f} ms; one SUM over the account (the old check) "
            f"{results[size][4]:.1f} ms"
        )
        for name, (queries, ms, size_bytes) in results[size][5].items():
            print(f"  {name:<22} {queries:>3} statements {ms:>9.1f} ms {size_bytes:>12,} B")
    base = results[sizes[0]][1]
    worst = max(r[1] for r in results.values())
    print(
        f"placement at the largest history vs the smallest: {worst / base:.2f}x "
        f"(target: within 1.15x): {'met' if worst <= base * 1.15 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
