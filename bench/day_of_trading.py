"""A compressed day of trading on 3 web processes and 3 Celery workers sharing one PostgreSQL.

    python bench/day_of_trading.py [--minutes 4] [--markets 6] [--divisions 16]

Every market runs one-minute rounds (beat's tick every 5 s opens, closes and hands them to the
workers); one API client per division places, changes and cancels orders through gunicorn for
`--minutes`. Then the script waits for the last rounds to settle and checks the outcome: every
round that closed is settled exactly once (one trade transaction per round that traded, none
left closed or cleared), every acknowledged order is in the database once, no balance is below
zero, nothing is left held, and every asset's entries sum to zero.
"""

import argparse
import http.client
import json
import random
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster, seed  # noqa: E402


class Client:
    """One division's trading agent, speaking JSON to the API over a kept-alive connection."""

    def __init__(self, port: int, token: str, side: str, seed_: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.side, self.rng = side, random.Random(seed_)
        self.placed: list[int] = []
        self.statuses: dict[str, int] = {}

    def call(self, method: str, path: str, body: object = None, key: str | None = None):  # type: ignore[no-untyped-def]
        headers = {**self.headers, **({"Idempotency-Key": key} if key else {})}
        for attempt in range(3):  # retries reuse the idempotency key
            try:
                self.conn.request(method, path, json.dumps(body) if body else None, headers)
                response = self.conn.getresponse()
                data = response.read()
                name = f"{method} {path.split('/')[2]} {response.status}"
                self.statuses[name] = self.statuses.get(name, 0) + 1
                return response.status, json.loads(data) if data else None
            except (OSError, http.client.HTTPException):
                self.conn.close()
                time.sleep(0.2 * (attempt + 1))
        return 599, None

    def trade_once(self) -> None:
        status, page = self.call("GET", "/api/rounds/?state=open")
        if status != 200 or not page["results"]:
            time.sleep(0.5)
            return
        round_ = self.rng.choice(page["results"])
        roll = self.rng.random()
        if roll < 0.1 and self.placed:
            self.call("POST", f"/api/orders/{self.rng.choice(self.placed)}/cancel/")
        elif roll < 0.2 and self.placed:
            self.call(
                "PATCH",
                f"/api/orders/{self.rng.choice(self.placed)}/",
                {"quantity": self.rng.randint(1, 50)},
            )
        else:
            body = {
                "round": round_["id"],
                "side": self.side,
                "quantity": self.rng.randint(1, 50),
                "limit": f"{self.rng.randint(150, 350) / 100:.2f}",
            }
            status, order = self.call("POST", "/api/orders/", body, key=str(uuid.uuid4()))
            if status == 201:
                self.placed.append(order["id"])


def trade(clients: list[Client], seconds: float) -> None:
    stop_at = time.monotonic() + seconds

    def loop(client: Client) -> None:
        while time.monotonic() < stop_at:
            client.trade_once()

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def wait_until_settled(seconds: float) -> bool:
    from django.utils import timezone

    from market.models import Order, Round

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        unfinished = Round.objects.filter(state__in=["closed", "cleared"]).count()
        open_orders = Order.objects.filter(state="open", round__closes_at__lt=timezone.now())
        waiting = Round.objects.filter(orders__state="open").distinct().count()
        if unfinished == 0 and waiting == 0 and not open_orders.exists():
            return True
        time.sleep(1)
    return False


def check(clients: list[Client]) -> bool:
    from django.db.models import Count, Q, Sum

    from ledger.models import Account, Entry, LedgerTransaction
    from market.models import Fill, Order, Round
    from market.selectors import asset_totals

    rounds = Round.objects.aggregate(
        settled=Count("id", filter=Q(state="settled")),
        traded=Count("id", filter=Q(state="settled", volume__gt=0)),
        stuck=Count("id", filter=Q(state__in=["closed", "cleared"])),
    )
    per_round = (
        LedgerTransaction.objects.filter(reason="trade")
        .values("reference_id")
        .annotate(n=Count("id"))
    )
    doubled = [row for row in per_round if row["n"] != 1]
    acknowledged = sum(len(c.placed) for c in clients)
    orders = Order.objects.count()
    negative = [
        a
        for a, total in Entry.objects.values_list("account").annotate(t=Sum("amount"))
        if total < 0 and Account.objects.get(pk=a).division_id is not None
    ]
    held = Entry.objects.filter(account__kind="held").aggregate(t=Sum("amount"))["t"]
    sums = asset_totals()
    print(
        f"rounds settled {rounds['settled']} (traded {rounds['traded']}), "
        f"left closed/cleared {rounds['stuck']}; trade transactions "
        f"{len(per_round)} for {rounds['traded']} traded rounds, {len(doubled)} rounds with ≠1"
    )
    print(
        f"orders acknowledged {acknowledged}, in the database {orders}, fills "
        f"{Fill.objects.count()}; accounts below zero {len(negative)}; still held {held}"
    )
    print(f"ledger sums per asset: {sorted((k, str(v)) for k, v in sums.items())}")
    return (
        rounds["stuck"] == 0
        and not doubled
        and len(per_round) == rounds["traded"]
        and acknowledged == orders
        and not negative
        and (held or 0) == 0
        and all(v == 0 for v in sums.values())
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=4)
    parser.add_argument("--markets", type=int, default=6)
    parser.add_argument("--divisions", type=int, default=16)
    args = parser.parse_args()
    cluster = Cluster(database="tokenhub_day", web=3, workers=3)
    cluster.prepare()
    tokens, _ = seed(args.divisions, args.markets, round_minutes=1)
    cluster.start(beat=True)
    started = time.monotonic()
    try:
        clients = [
            Client(cluster.port, t, "buy" if i % 2 == 0 else "sell", i)
            for i, t in enumerate(tokens)
        ]
        print(
            f"trading for {args.minutes} min: {args.markets} markets, {args.divisions} "
            f"divisions, 3 web processes, 3 workers, 1 beat"
        )
        trade(clients, args.minutes * 60)
        statuses: dict[str, int] = {}
        for client in clients:
            for name, n in client.statuses.items():
                statuses[name] = statuses.get(name, 0) + n
        print("requests:", dict(sorted(statuses.items())))
        settled = wait_until_settled(150)
        print(f"all closed rounds settled: {settled} after {time.monotonic() - started:.0f} s")
        ok = settled and check(clients)
    finally:
        cluster.stop()
    print("DAY OK" if ok else "DAY FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
