"""Load: 64 concurrent API clients place orders; the same clients hit a trivial endpoint too.

    python bench/load.py [--clients 64] [--seconds 30] [--web 3] [--rounds 2]

127.0.0.1 only, bounded in time. Trivial phases call GET /api/me/ (authenticated, no writes);
placing phases POST /api/orders/ (idempotency keys, escrow, row locks); the two alternate
`--rounds` times. Each client is its own division's agent. Prints requests per second, p50/p99
latency and CPU per request by process for each endpoint, then checks the books: every 201 is
exactly one order in the database, escrow equals what the open orders hold, and no balance is
below zero.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, seed  # noqa: E402


def run_phase(tokens, port, seconds, request):  # type: ignore[no-untyped-def]
    """Each client loops `request(conn, token, rng)` until time is up."""
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()

    def client(index: int, token: str) -> None:
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, my_codes = [], {}
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            status = request(conn, token, rng)
            mine.append(time.perf_counter() - started)
            my_codes[status] = my_codes.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in my_codes.items():
                codes[code] = codes.get(code, 0) + n

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(tokens)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, codes, time.monotonic() - started


def call(conn, method, path, token, body=None, key=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    for attempt in range(3):  # a retry reuses the key: never a second order
        try:
            conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            if attempt == 2:
                return 599
    return 599


def cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by each kind of process on this machine (Linux /proc).

    A process's own time plus that of its children that have exited (PostgreSQL backends of
    closed connections are counted by the postmaster).
    """
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = next((k for k in KINDS if k in command), "other")
        used[kind] = used.get(kind, 0.0) + sum(int(v) for v in fields[11:15]) / tick
    return used


KINDS = ("gunicorn", "postgres", "load.py", "celery", "redis")


@dataclass
class Tally:
    """One endpoint's requests over all of its phases."""

    latencies: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, phase, *args) -> None:  # type: ignore[no-untyped-def]
        before = cpu_seconds()
        latencies, codes, elapsed = phase(*args)
        after = cpu_seconds()
        self.latencies += latencies
        self.elapsed += elapsed
        for code, n in codes.items():
            self.codes[code] = self.codes.get(code, 0) + n
        for kind, seconds in after.items():
            self.cpu[kind] = self.cpu.get(kind, 0.0) + seconds - before.get(kind, 0.0)

    def cpu_per_request(self) -> dict[str, float]:
        n = max(len(self.latencies), 1)
        return {k: round(v * 1000 / n, 1) for k, v in sorted(self.cpu.items()) if v >= 0.05}


def report(name: str, latencies: list[float], codes: dict[int, int], elapsed: float) -> float:
    ordered = sorted(latencies)
    rate = len(latencies) / elapsed
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    print(
        f"{name:<28} {len(latencies):>7} requests {rate:>8.1f}/s  p50 {p50:6.1f} ms  "
        f"p99 {p99:7.1f} ms  statuses {dict(sorted(codes.items()))}"
    )
    return rate


def check_books(placed: int) -> bool:
    from django.db.models import F, Sum

    from ledger.models import Account, Entry
    from market.models import Order
    from market.selectors import asset_totals

    orders = Order.objects.count()
    held = dict(
        Entry.objects.filter(account__kind="held", account__asset__code="credits")
        .values_list("account__division")
        .annotate(total=Sum("amount"))
    )
    escrow = dict(
        Order.objects.filter(state="open", side="buy")
        .values_list("division")
        .annotate(total=Sum(F("quantity") * F("limit")))
    )
    negative = [
        a
        for a, total in Entry.objects.values_list("account").annotate(total=Sum("amount"))
        if total < 0 and Account.objects.get(pk=a).division_id is not None
    ]
    sums = asset_totals()
    ok = (
        orders == placed
        and not negative
        and all(v == 0 for v in sums.values())
        and all(held.get(d, Decimal(0)) == total for d, total in escrow.items())
    )
    print(
        f"books: {placed} orders acknowledged (201), {orders} in the database; "
        f"{len(negative)} accounts below zero; escrow matches open bids: "
        f"{all(held.get(d, Decimal(0)) == t for d, t in escrow.items())}; "
        f"ledger sums {sorted((k, str(v)) for k, v in sums.items())} -> {'OK' if ok else 'FAIL'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two phases")
    args = parser.parse_args()
    cluster = Cluster(database="tokenhub_load", web=args.web, workers=1)
    cluster.prepare()
    tokens, (market_id,) = seed(args.clients, 1, round_minutes=60)
    from market.services import rounds

    round_ = rounds.round_schedule_next(market_id=market_id)
    rounds.round_open(round_id=round_.pk)
    cluster.start(beat=False)
    try:

        def me(conn, token, rng):  # type: ignore[no-untyped-def]
            return call(conn, "GET", "/api/me/", token)

        def place(conn, token, rng):  # type: ignore[no-untyped-def]
            side = "buy" if tokens.index(token) % 2 == 0 else "sell"
            body = {
                "round": round_.pk,
                "side": side,
                "quantity": rng.randint(1, 10),
                "limit": f"{rng.randint(100, 300) / 100:.2f}",
            }
            return call(conn, "POST", "/api/orders/", token, body, key=str(uuid.uuid4()))

        print(
            f"{args.clients} clients, {args.rounds} × ({args.seconds:.0f} s trivial, "
            f"{args.seconds:.0f} s placing), {args.web} web processes"
        )
        # Phases alternate, so a machine that speeds up or slows down affects both alike.
        trivial, placing = Tally(), Tally()
        for _ in range(args.rounds):
            trivial.add(run_phase, tokens, cluster.port, args.seconds, me)
            placing.add(run_phase, tokens, cluster.port, args.seconds, place)
        rates = []
        for name, tally in (("GET /api/me/ (trivial)", trivial), ("POST /api/orders/", placing)):
            rates.append(report(name, tally.latencies, tally.codes, tally.elapsed))
            print(f"    CPU ms per request: {tally.cpu_per_request()}")
        print(
            f"order placement runs at {rates[1] / rates[0]:.0%} of the trivial endpoint "
            f"(target at least 50%)"
        )
        codes = placing.codes
        ok = check_books(codes.get(201, 0))
    finally:
        cluster.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
