"""Benchmark the pure clearing engine against NumPy sorting the same prices.

    python bench/clearing_bench.py [--sizes 10000 100000 1000000] [--repeat 5] [--seed 7]

Each round is synthetic and seeded: half bids, half asks, limits on the 0.01 grid
between 2.00 and 4.00, quantities 1-100, int ids. Every order gets its own Decimal
(as when prices are read from a database), so the engine cannot profit from shared
objects. Generation is not timed; for each size we report the best of ``--repeat``
runs of ``clear(orders)`` and of ``np.sort`` on the same prices as a float64 array.
The ratio is clear time over sort time.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from market.clearing import Clearing, Order, clear  # noqa: E402


def make_round(size: int, seed: int) -> tuple[list[Order], list[int]]:
    """``size`` orders (half bids, half asks) and their limits in cents."""
    rng = random.Random(seed)
    cents = [rng.randint(200, 400) for _ in range(size)]
    quantities = [rng.randint(1, 100) for _ in range(size)]
    orders = [
        Order(
            id=i,
            side="buy" if i % 2 == 0 else "sell",
            quantity=quantities[i],
            limit=Decimal(f"{cents[i] // 100}.{cents[i] % 100:02d}"),
            seq=i,
        )
        for i in range(size)
    ]
    return orders, cents


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """The best wall time of ``repeat`` calls of ``run`` (after a full GC), and its result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    print(
        f"{'size':>10} {'clear s':>10} {'np.sort s':>10} {'ratio':>8} {'price':>7} {'volume':>10}"
    )
    for size in args.sizes:
        orders, cents = make_round(size, args.seed)
        prices = np.array(cents, dtype=np.float64) / 100.0
        clear_s, outcome = best_of(args.repeat, partial(clear, orders))
        sort_s, _ = best_of(args.repeat, partial(np.sort, prices))
        assert isinstance(outcome, Clearing)
        print(
            f"{size:>10} {clear_s:>10.4f} {sort_s:>10.4f} {clear_s / sort_s:>8.1f}"
            f" {outcome.price!s:>7} {outcome.volume:>10}"
        )
        del orders, prices, outcome
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
