"""Settle one round end to end on PostgreSQL: orders in the database → settled ledger, against
its floor measured in the same run.

    python bench/settle_bench.py [--orders 100000] [--divisions 100]

Uses its own database (``tokenhub_bench`` on 127.0.0.1 unless BENCH_DATABASE_URL is set), dropped
and migrated afresh each run. Setup (divisions, grants, mints, orders and their escrow) is not
timed. Then, side by side:

* the floor: in one transaction, COPY the round's orders out (binary) and COPY its fills and its
  settlement's ledger entries in (the payloads prepared beforehand, untimed, from the engine's
  result on the same book), with the deferred foreign-key checks those rows fire at commit
  (SET CONSTRAINTS ALL IMMEDIATE), then rolled back;
* the path: exactly what a worker does with the closed round: ``round_clear`` (read the book,
  run the engine, store the clearing inputs, write fills, their events and the order states)
  and ``round_settle`` (one ledger transaction), each in its own transaction, committed;
  with every statement sent to PostgreSQL counted (psycopg's execute and copy, and commits).

The target is the path within 2x of the floor.
"""

import argparse
import io
import os
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

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


TARGET = 2.0


class Statements(Counter[str]):
    """Statements sent, by kind, and the wall time of each (a label: its first words)."""

    def __init__(self) -> None:
        super().__init__()
        self.timed: list[tuple[float, str]] = []

    def slowest(self, n: int) -> str:
        return "; ".join(f"{t:.2f} s {label}" for t, label in sorted(self.timed, reverse=True)[:n])


def _label(query: Any) -> str:
    text = query if isinstance(query, str) else str(getattr(query, "as_string", lambda: query)())
    return " ".join(text.split()[:6])[:60]


@contextmanager
def statements_counted() -> Iterator[Statements]:
    """Count and time every statement psycopg sends (execute, executemany, COPY) and commit."""
    counts = Statements()
    originals = {name: getattr(psycopg.Cursor, name) for name in ("execute", "executemany", "copy")}
    commit = psycopg.Connection.commit

    def counting(name: str) -> Any:
        def method(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            started = time.perf_counter()
            result = originals[name](self, query, *args, **kwargs)
            if name != "copy":
                counts.timed.append((time.perf_counter() - started, _label(query)))
                return result
            return _TimedCopy(result, counts, started, _label(query))

        return method

    def counted_commit(self: Any) -> None:
        counts["commit"] += 1
        started = time.perf_counter()
        commit(self)
        counts.timed.append((time.perf_counter() - started, "COMMIT"))

    for name in originals:
        setattr(psycopg.Cursor, name, counting(name))
    psycopg.Connection.commit = counted_commit  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        for name, original in originals.items():
            setattr(psycopg.Cursor, name, original)
        psycopg.Connection.commit = commit  # type: ignore[method-assign]


class _TimedCopy:
    """A COPY's context manager, timed from its start to its end."""

    def __init__(self, inner: Any, counts: Statements, started: float, label: str) -> None:
        self.inner, self.counts, self.started, self.label = inner, counts, started, label

    def __enter__(self) -> Any:
        return self.inner.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        result = self.inner.__exit__(*exc)
        self.counts.timed.append((time.perf_counter() - self.started, self.label))
        return result


def ledger_credits_id() -> int:
    from ledger import services as ledger

    return int(ledger.credits_asset().pk)


def floor_payloads(round_id: int) -> tuple[bytes, bytes, int, int]:
    """The round's fills (as the engine gives them for its book) and one entry per settlement
    leg, as COPY text; made before the floor is timed. Returns (fills, entries, counts)."""
    from market import clearing
    from market.ids import new_public_ids
    from market.models import Order, Round
    from market.services.rounds import _settlement_legs

    round_ = Round.objects.select_related("market__asset").get(pk=round_id)
    rows = list(
        Order.objects.filter(round_id=round_id, state="open").values_list(
            "id", "side", "quantity", "limit", "seq", "division_id"
        )
    )
    result = clearing.clear(
        [clearing.Order(pk, side, q, limit, seq) for pk, side, q, limit, seq, _ in rows],
        rule=round_.rule,
        tick=round_.tick,
    )
    assert result.price is not None
    division = {pk: (d, side) for pk, side, _, _, _, d in rows}
    fills = io.StringIO()
    traded: dict[tuple[int, str], Decimal] = defaultdict(Decimal)  # (division, asset) → moved
    for public_id, (order_id, units) in zip(
        new_public_ids(len(result.fills)), result.fills.items(), strict=True
    ):
        d, side = division[order_id]
        amount = result.price * units
        fills.write(
            f"{public_id}\t{order_id}\t{round_id}\t{d}\t{side}\t{units}\t{result.price}\t{amount}\n"
        )
        sign = 1 if side == "buy" else -1
        traded[(d, "credits")] -= sign * amount
        traded[(d, "units")] += sign * units
    from django.db import transaction

    with transaction.atomic():  # the escrow legs as the settlement will post them (rolled back)
        legs = _settlement_legs(round_, round_.market)
        transaction.set_rollback(True)
    # one entry per account the settlement moves: the escrow legs, plus each division's
    # available account of the asset it received (an account of the division stands in
    # where that one does not exist yet: the settlement creates it)
    moves = {(leg.account.division_id, leg.account.asset_id, leg.account.kind): leg for leg in legs}
    accounts = {key[0]: leg.account.pk for key, leg in moves.items()}
    lines = [f"{{txn}}\t{leg.account.pk}\t{leg.amount}\t{abs(leg.amount)}\n" for leg in legs]
    credits_id, units_id = ledger_credits_id(), round_.market.asset_id
    for (d, asset), amount in sorted(traded.items()):
        key = (d, credits_id if asset == "credits" else units_id, "available")
        if amount and key not in moves:
            lines.append(f"{{txn}}\t{accounts[d]}\t{amount}\t{abs(amount)}\n")
    entries = "".join(lines)
    return fills.getvalue().encode(), entries.encode(), len(result.fills), len(lines)


def floor(round_id: int, fills: bytes, entries: bytes) -> tuple[float, float]:
    """COPY the orders out and the fills and entries in, FK checks included; rolled back.
    Returns the time, and the part of it the foreign-key checks took."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        started = time.perf_counter()
        out = io.BytesIO()
        copy_out = (
            'COPY (SELECT id, side, quantity, "limit", seq, division_id FROM market_order'
            f" WHERE round_id = {int(round_id)} AND state = 'open') TO STDOUT (FORMAT BINARY)"
        )
        with raw.copy(copy_out) as copy:
            for block in copy:
                out.write(block)
        with raw.copy(
            "COPY market_fill (public_id, order_id, round_id, division_id, side, quantity,"
            " price, amount) FROM STDIN"
        ) as copy:
            copy.write(fills)
        cursor.execute(
            'INSERT INTO ledger_ledgertransaction (public_id, reason, memo, created_at, "key")'
            " VALUES (gen_random_uuid(), 'trade', 'floor', now(), NULL) RETURNING id"
        )
        txn = cursor.fetchone()[0]
        with raw.copy(
            "COPY ledger_entry (transaction_id, account_id, amount, balance_after) FROM STDIN"
        ) as copy:
            copy.write(entries.replace(b"{txn}", str(txn).encode()))
        checks_started = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the FK checks a commit would run
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, elapsed - (checks_started - started)


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
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would have by the time a round closes
    fills, entries, n_fills, n_entries = floor_payloads(round_id)
    print(
        f"setup: {args.orders} orders from {args.divisions} divisions, {n_fills} fills and"
        f" {n_entries} ledger entries to come, in {time.perf_counter() - started:.1f} s"
        " (not timed)"
    )

    from market.models import Fill, Round
    from market.selectors import asset_totals
    from market.services import rounds

    floor_s, checks_s = floor(round_id, fills, entries)
    with statements_counted() as clear_counts:
        started = time.perf_counter()
        rounds.round_clear(round_id=round_id)
        clear_s = time.perf_counter() - started
    with statements_counted() as settle_counts:
        started = time.perf_counter()
        rounds.round_settle(round_id=round_id)
        settle_s = time.perf_counter() - started
    path_s = clear_s + settle_s
    ratio = path_s / floor_s
    round_ = Round.objects.get(pk=round_id)

    def statements(counts: Statements) -> str:
        each = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        return f"{sum(counts.values())} statements ({each})"

    verdict = "met" if ratio <= TARGET else "MISSED"
    print(
        f"floor  COPY orders out, fills and entries in:    {floor_s:6.2f} s"
        f"  (foreign-key checks {checks_s:.2f} s)"
    )
    print(f"clear  book → engine → fills, events, states:    {clear_s:6.2f} s  ", end="")
    print(statements(clear_counts))
    print(f"settle one ledger transaction:                   {settle_s:6.2f} s  ", end="")
    print(statements(settle_counts))
    print(f"path   orders in the database → settled ledger:  {path_s:6.2f} s  ", end="")
    print(f"= {ratio:.2f}x the floor (target {TARGET:.0f}x: {verdict})")
    print(f"slowest statements of clear: {clear_counts.slowest(6)}")
    print(f"slowest statements of settle: {settle_counts.slowest(3)}")
    from ledger.models import Entry

    print(
        f"round {round_.state}: price {round_.price}, volume {round_.volume}, "
        f"{Fill.objects.filter(round_id=round_id).count()} fills, "
        f"{Entry.objects.filter(transaction__reason='trade').count()} ledger entries"
    )
    totals = asset_totals()
    print("ledger sums per asset:", {k: str(v) for k, v in totals.items()})
    assert all(v == 0 for v in totals.values())
    assert Fill.objects.filter(round_id=round_id).count() == n_fills


if __name__ == "__main__":
    main()
