"""Fault drills: a round must end settled exactly once whatever breaks while it settles.

    python bench/faults.py [--orders 60000]

Needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379); uses its own database
``tokenhub_faults`` and Redis db 14. Three drills, each on a fresh closed round:

1. the worker settling the round is killed with SIGKILL mid-clearing;
2. the broker (Redis) is restarted while a worker is running and rounds are due;
3. the worker's database connection is terminated mid-transaction.

After each, a fresh tick re-finds the round (state lives in the database, not the broker) and a
worker finishes it. The drill prints what happened and checks: one trade transaction for the
round, the fills the pure engine gives for the same book, every asset summing to zero.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tokenhub_faults")
BROKER = os.environ.get("FAULTS_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ["CELERY_BROKER_URL"] = BROKER

import settle_bench  # noqa: E402
from cluster import CELERY  # noqa: E402


def start_worker(name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settle_bench.URL,
        "CELERY_BROKER_URL": BROKER,
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            *CELERY,
            "worker",
            "--pool=solo",
            f"--hostname={name}@%h",
            "--loglevel=WARNING",
        ],
        cwd=ROOT.parent,
        env=env,
    )


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def backend_busy_with_round() -> int | None:
    """pid of a worker's PostgreSQL backend running a clearing statement, if any."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'active' "
            "AND (query ILIKE '%%market_fill%%' OR query ILIKE '%%market_order%%')"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def expected(round_id: int):  # type: ignore[no-untyped-def]
    from market import clearing
    from market.models import Round
    from market.services.rounds import _book

    round_ = Round.objects.get(pk=round_id)
    book, _ = _book(round_)
    return clearing.clear(
        book, rule=round_.rule, floor=round_.floor, cap=round_.cap, tick=round_.tick
    )


def verify(round_id: int, want) -> bool:  # type: ignore[no-untyped-def]
    from ledger.models import LedgerTransaction
    from market.models import Fill, Round
    from market.selectors import asset_totals

    round_ = Round.objects.get(pk=round_id)
    trades = LedgerTransaction.objects.filter(reason="trade", reference_id=round_id).count()
    fills = dict(Fill.objects.filter(round_id=round_id).values_list("order_id", "quantity"))
    sums = asset_totals()
    ok = (
        round_.state == "settled"
        and trades == 1
        and fills == want.fills
        and round_.price == want.price
        and all(v == 0 for v in sums.values())
    )
    print(
        f"   round {round_id}: {round_.state}, price {round_.price}, volume {round_.volume}, "
        f"{len(fills)} fills (engine: {len(want.fills)}), trade transactions {trades}, "
        f"ledger sums {sorted((k, str(v)) for k, v in sums.items())} -> {'OK' if ok else 'FAIL'}"
    )
    return ok


def finish_after_fault(round_id: int) -> None:
    from market.tasks import rounds_tick

    worker = start_worker("recovery")
    try:
        rounds_tick.delay()  # the tick re-finds closed and cleared rounds
        from market.models import Round

        wait_for(lambda: Round.objects.get(pk=round_id).state == "settled", 180)
    finally:
        stop(worker)


def drill_sigkill(orders: int, divisions: int) -> bool:
    from market.models import Round
    from market.tasks import round_finish

    print("1. SIGKILL the worker in the middle of settling")
    round_id = settle_bench.build_round(orders, divisions, seed=1, code="f1")
    want = expected(round_id)
    worker = start_worker("victim")
    time.sleep(3)
    round_finish.delay(round_id)
    busy = wait_for(lambda: backend_busy_with_round() is not None, 60)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    print(
        f"   killed worker pid {worker.pid} while busy={busy}; round is now "
        f"{Round.objects.get(pk=round_id).state}"
    )
    finish_after_fault(round_id)
    return verify(round_id, want)


def drill_broker_restart(orders: int, divisions: int) -> bool:
    from market.models import Round
    from market.tasks import round_finish

    print("2. restart the broker while a worker runs and a round is due")
    round_id = settle_bench.build_round(orders // 4, divisions, seed=2, code="f2")
    want = expected(round_id)
    worker = start_worker("survivor")
    time.sleep(3)
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False, capture_output=True
    )
    print("   redis stopped; enqueueing while it is down fails:", end=" ")
    try:
        round_finish.apply_async((round_id,), retry=False)
        print("no")
    except Exception as error:  # noqa: BLE001
        print(type(error).__name__)
    time.sleep(2)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
    )
    wait_for(lambda: subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0, 30)
    print(
        f"   redis back; round is {Round.objects.get(pk=round_id).state}; "
        f"the surviving worker {'is alive' if worker.poll() is None else 'died'}"
    )
    from market.tasks import rounds_tick

    rounds_tick.delay()
    settled = wait_for(lambda: Round.objects.get(pk=round_id).state == "settled", 120)
    print(f"   surviving worker settled it after reconnecting: {settled}")
    stop(worker)
    if not settled:
        finish_after_fault(round_id)
    return verify(round_id, want)


def drill_connection_drop(orders: int, divisions: int) -> bool:
    from django.db import connection

    from market.models import Round
    from market.tasks import round_finish

    print("3. terminate the worker's database connection mid-transaction")
    round_id = settle_bench.build_round(orders, divisions, seed=3, code="f3")
    want = expected(round_id)
    worker = start_worker("cut")
    time.sleep(3)
    round_finish.delay(round_id)
    wait_for(lambda: backend_busy_with_round() is not None, 60)
    pid = backend_busy_with_round()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(2)
    print(f"   terminated backend {pid}; round is now {Round.objects.get(pk=round_id).state}")
    stop(worker)
    finish_after_fault(round_id)
    return verify(round_id, want)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=60_000)
    parser.add_argument("--divisions", type=int, default=40)
    args = parser.parse_args()
    settle_bench.fresh_database()
    settle_bench.setup_django()
    subprocess.run(
        [*CELERY, "purge", "-f"],
        cwd=ROOT.parent,
        capture_output=True,
        check=False,
    )
    results = [
        drill_sigkill(args.orders, args.divisions),
        drill_broker_restart(args.orders, args.divisions),
        drill_connection_drop(args.orders, args.divisions),
    ]
    print("all drills passed" if all(results) else "SOME DRILLS FAILED")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
