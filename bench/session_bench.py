"""Benchmark the session clearing (linked bids, issue #16) on synthetic sessions.

    python bench/session_bench.py [--orders 10000] [--bundles 0 50 100 200 500] [--repeat 3]

A session is 6 markets (3 GPU windows around 3.00 credits/GPU-hour, 3 token periods around
1.00 credits/1M tokens), ``--orders`` simple orders spread over them (half bids, half asks,
limits on the 0.01 grid within ±25% of the market's centre, 1-100 units), and a number of
bundles of 1-3 legs (10-150 units each): mostly buyers of GPU-hours and tokens, some labs
buying GPU-hours and selling tokens, some net sellers; each limit is the package's cost at
the centre prices times 0.85-1.15. Everything is seeded. For each number of bundles it
prints the best wall time of ``--repeat`` runs of ``clear_session`` (generation not timed),
the MIP solves used, the bundles accepted and paradoxically rejected, and the welfare gain
over clearing the markets separately. ``--gap 0`` searches until no better set can be left
(within ``MAX_ROUNDS`` MIP solves) instead of stopping within the default relative gap.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import market.session_search as session_search  # noqa: E402
from market.clearing import Order  # noqa: E402
from market.session_clearing import GAP, Bundle, Leg, MarketBook, clear_session  # noqa: E402

CENTRES = {"gpu-1": 300, "gpu-2": 300, "gpu-3": 300, "tok-1": 100, "tok-2": 100, "tok-3": 100}
GPU = [m for m in CENTRES if m.startswith("gpu")]
TOKENS = [m for m in CENTRES if m.startswith("tok")]


def cents(value: int) -> Decimal:
    return Decimal(value) / 100


def make_books(orders: int, seed: int) -> list[MarketBook]:
    rng = random.Random(seed)
    books = []
    per_market = orders // len(CENTRES)
    for m, (market, centre) in enumerate(CENTRES.items()):
        book = []
        for i in range(per_market):
            limit = rng.randint(centre * 3 // 4, centre * 5 // 4)
            side = "buy" if i % 2 == 0 else "sell"
            book.append(Order(m * per_market + i, side, rng.randint(1, 100), cents(limit), i))
        books.append(MarketBook(market, tuple(book)))
    return books


def make_bundles(count: int, seed: int) -> list[Bundle]:
    rng = random.Random(seed)
    bundles = []
    for i in range(count):
        kind = rng.random()
        if kind < 0.6:  # an application: GPU-hours and tokens
            legs = [(rng.choice(GPU), "buy"), (rng.choice(TOKENS), "buy")]
            if rng.random() < 0.3:
                legs.append((rng.choice([t for t in TOKENS if t != legs[1][0]]), "buy"))
        elif kind < 0.85:  # the lab: next window's GPU-hours against that period's tokens
            window = rng.randint(1, 3)
            legs = [(f"gpu-{window}", "buy"), (f"tok-{window}", "sell")]
        else:  # a seller of two windows, all or none
            first, second = rng.sample(GPU, 2)
            legs = [(first, "sell"), (second, "sell")]
        sized = tuple(Leg(market, side, rng.randint(10, 150)) for market, side in legs)
        at_centre = sum(
            CENTRES[leg.market] * leg.quantity * (1 if leg.side == "buy" else -1) for leg in sized
        )
        limit = at_centre * rng.randint(85, 115) // 100
        bundles.append(Bundle(f"bundle-{i}", sized, cents(limit), i))
    return bundles


def run(
    books: list[MarketBook], bundles: list[Bundle], repeat: int, gap: float
) -> tuple[float, dict]:
    rounds: list[int] = []
    original = session_search.Search.run

    def counted(self: session_search.Search) -> session_search.Candidate:
        result = original(self)
        rounds.append(self.rounds)
        return result

    session_search.Search.run = counted  # type: ignore[method-assign]
    try:
        best, result = float("inf"), None
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            result = clear_session(books, bundles, gap=gap)
            best = min(best, time.perf_counter() - started)
    finally:
        session_search.Search.run = original  # type: ignore[method-assign]
    assert result is not None
    outcomes = result.bundles.values()
    return best, {
        "rounds": rounds[-1],
        "accepted": sum(o.accepted for o in outcomes),
        "paradoxical": sum(o.paradoxical for o in outcomes),
        "welfare": result.welfare,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--bundles", type=int, nargs="+", default=[0, 50, 100, 200, 500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--gap", type=float, default=GAP, help="relative gap (0: exact search)")
    args = parser.parse_args()

    books = make_books(args.orders, args.seed)
    separate = clear_session(books, []).welfare
    print(
        f"{len(books)} markets, {sum(len(b.orders) for b in books)} simple orders, gap {args.gap}"
    )
    print(
        f"{'bundles':>8} {'time (s)':>9} {'MIP solves':>10} {'accepted':>9} {'paradox.':>9} "
        f"{'welfare gain':>13}"
    )
    for count in args.bundles:
        bundles = make_bundles(count, args.seed + count)
        seconds, stats = run(books, bundles, args.repeat, args.gap)
        print(
            f"{count:>8} {seconds:>9.3f} {stats['rounds']:>10} {stats['accepted']:>9} "
            f"{stats['paradoxical']:>9} {stats['welfare'] - separate:>13}"
        )


if __name__ == "__main__":
    main()
