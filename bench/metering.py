"""Metering load: 64 platform clients post usage records through the API.

    python bench/metering.py [--clients 64] [--seconds 30] [--web 3] [--batch 1 20]

127.0.0.1 only, bounded in time. Each client is a platform account with a `meter` token and
reports for its own division (whose holdings in one window are large, so nothing runs out);
every request carries new external ids, and one request in ten is a retry of an earlier batch
(it must book nothing). For each batch size it prints usage records booked per second and
requests' p50/p99, then checks the books: every record acknowledged once is one row, the units
consumed equal the units reported, and every asset's entries sum to zero.
"""

import argparse
import itertools
import sys
import threading
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import Cluster  # noqa: E402
from load import Tally, call, report, run_phase  # noqa: E402

HOLDING = 10**9


def seed(clients: int) -> tuple[list[str], list[str], list[str], str, str]:
    """Divisions holding units of one window, and a platform account with a meter token each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from chain.models import Series
    from chain.services import windows
    from divisions.models import Division
    from ledger import services as ledger
    from market import roles
    from market.models import Membership
    from market.services import tokens

    roles.ensure_role_groups()
    platform = Group.objects.get(name=roles.PLATFORM)
    anchor = timezone.now() - timedelta(minutes=1)  # in delivery: usage is dated in the past
    series = Series.objects.create(
        name="Bench", slug="bench", kind="gpu", anchor=anchor,
        window_minutes=600, windows_ahead=1, gate_minutes=30,
    )  # fmt: skip
    window = windows.series_windows_ensure(series_id=series.pk, now=anchor - timedelta(hours=1))[0]
    secrets, slugs, readers = [], [], []
    for c in range(clients):
        division = Division.objects.create(name=f"Division {c}", slug=f"division-{c}")
        ledger.units_mint(division=division, asset=window.asset, quantity=HOLDING, by=None)
        user = get_user_model().objects.create(username=f"meter-{c}")
        user.groups.add(platform)
        secrets.append(tokens.token_create(user=user, name="bench", scopes=["meter"]).secret)
        slugs.append(division.slug)
        lead = get_user_model().objects.create(username=f"lead-{c}")
        Membership.objects.create(user=lead, division=division, role="lead")
        readers.append(tokens.token_create(user=lead, name="bench", scopes=["read"]).secret)
    used_at = (window.starts_at + timedelta(minutes=1)).isoformat()
    return secrets, slugs, readers, window.asset.code, used_at


def check_books(sent: int, units: int) -> bool:
    from django.db.models import Sum

    from chain.models import UsageRecord
    from market.selectors import asset_totals

    rows = UsageRecord.objects.count()
    consumed = UsageRecord.objects.aggregate(total=Sum("consumed"))["total"] or 0
    sums = asset_totals()
    zero = all(v == 0 for v in sums.values())
    ok = rows == sent and consumed == units and zero
    print(
        f"books: {sent} distinct records sent, {rows} rows; units sent {units}, consumed "
        f"{consumed}; every asset sums to zero: {zero} -> {'OK' if ok else 'FAIL'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--web", type=int, default=3)
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 20])
    args = parser.parse_args()
    cluster = Cluster(database="tokenhub_meter", port=8076, web=args.web, workers=0)
    cluster.prepare()
    secrets, slugs, readers, window, used_at = seed(args.clients)
    cluster.start(beat=False)
    lock = threading.Lock()
    sent: dict[str, int] = {}  # external id -> units, each distinct record sent
    try:
        trivial = Tally()  # the same machine's reference, as bench/load.py measures it
        trivial.add(
            run_phase, readers, cluster.port, args.seconds,
            lambda conn, token, rng: call(conn, "GET", "/api/me/", token),
        )  # fmt: skip
        base = report("GET /api/me/ (trivial)", trivial.latencies, trivial.codes, trivial.elapsed)
        for size in args.batch:
            last: dict[str, dict] = {}
            counters = {token: itertools.count() for token in secrets}

            def meter(conn, token, rng, size=size, last=last, counters=counters):  # type: ignore[no-untyped-def]
                division = slugs[secrets.index(token)]
                if token in last and rng.random() < 0.1:  # a retry: books nothing
                    return call(conn, "POST", "/api/usage/", token, last[token])
                records = []
                for _ in range(size):
                    n = next(counters[token])
                    records.append({
                        "external_id": f"u{size}-{division}-{n}", "division": division,
                        "window": window, "units": 1 + n % 5, "used_at": used_at,
                    })  # fmt: skip
                last[token] = {"records": records}
                status = call(conn, "POST", "/api/usage/", token, last[token])
                if status in (200, 201):  # 200: an earlier attempt (timed out here) booked it
                    with lock:
                        sent.update((r["external_id"], r["units"]) for r in records)
                return status

            tally = Tally()
            tally.add(run_phase, secrets, cluster.port, args.seconds, meter)
            rate = report(f"POST /api/usage/ × {size}", tally.latencies, tally.codes, tally.elapsed)
            print(f"    requests at {rate / base:.0%} of the trivial endpoint's rate")
            new = sum(1 for key in sent if key.startswith(f"u{size}-"))
            print(
                f"    usage records booked: {new / tally.elapsed:.0f}/s (new records; about one "
                f"request in ten was a retry and booked nothing)"
            )
            print(f"    CPU ms per request: {tally.cpu_per_request()}")
        ok = check_books(len(sent), sum(sent.values()))
    finally:
        cluster.stop()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
