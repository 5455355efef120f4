"""The HiGHS models behind ``market.session_clearing``: the welfare MIP and the price search.

Pure (no Django). HiGHS runs single-threaded with a fixed seed, presolve on and no time
limit, and the models are built in one canonical order (markets by key, price levels
ascending, bundles by seq then id), so a book gives the same model and the same answer
on every run. The solver only proposes: every set of bundles and every price it returns is
checked again in exact integer/Decimal arithmetic by the caller.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from threading import Lock
from typing import Any, Final

import highspy
import numpy as np

OPTIONS: Final[dict[str, Any]] = {
    "output_flag": False,
    "threads": 1,
    "parallel": "off",
    "random_seed": 0,
    "presolve": "on",
    "mip_rel_gap": 0.0,
}
_EXACT: Final = 2**53  # integers a double holds exactly


_quiet = Lock()
_greeted = False


def _highs() -> highspy.Highs:
    h = _first_quietly() if not _greeted else highspy.Highs()
    for name, value in OPTIONS.items():
        h.setOptionValue(name, value)
    return h


def _first_quietly() -> highspy.Highs:
    """The process's first Highs, with file descriptor 1 pointed at /dev/null meanwhile:
    HiGHS prints its banner there from C++ on the first instance, ahead of any option, and
    a worker's stdout carries JSON log lines."""
    global _greeted
    with _quiet:
        if _greeted:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _greeted = True
        return h


@dataclass(frozen=True, slots=True)
class MarketLevels:
    """A market's tradable simple orders by price level, in credits per unit."""

    bids: Sequence[tuple[float, int]]  # (limit, units)
    asks: Sequence[tuple[float, int]]


class WelfareModel:
    """max Σ bid value − Σ ask cost + Σ limit_b·x_b s.t. each market balances.

    Continuous units per price level (``0 ≤ d ≤ units``), one binary ``x_b`` per bundle and
    one balance row per market: Σ d − Σ s + Σ_b net_bm·x_b = 0. ``exclude`` adds a no-good
    cut, so the next ``solve`` proposes another set.
    """

    def __init__(
        self,
        markets: Sequence[MarketLevels],
        nets: Sequence[dict[int, int]],  # per bundle: market index -> units bought − sold
        limits: Sequence[float],
        out: set[int],  # bundles that can never be accepted: x_b = 0
        abs_gap: float,
    ) -> None:
        self.h = h = _highs()
        h.setOptionValue("mip_abs_gap", abs_gap)
        rows: list[list[tuple[int, float]]] = [[] for _ in markets]
        cost: list[float] = []
        upper: list[float] = []
        for m, levels in enumerate(markets):
            for value, units in levels.bids:
                rows[m].append((len(cost), 1.0))
                cost.append(-value)
                upper.append(float(units))
            for value, units in levels.asks:
                rows[m].append((len(cost), -1.0))
                cost.append(value)
                upper.append(float(units))
        self.first = len(cost)
        for b, net in enumerate(nets):
            for m, units in net.items():
                rows[m].append((len(cost), float(units)))
            cost.append(-limits[b])
            upper.append(0.0 if b in out else 1.0)
        self.size = len(nets)
        h.addVars(len(cost), [0.0] * len(cost), upper)
        h.changeColsCost(len(cost), list(range(len(cost))), cost)
        binaries = list(range(self.first, len(cost)))
        h.changeColsIntegrality(len(binaries), binaries, np.ones(len(binaries), dtype=np.uint8))
        for row in rows:
            h.addRow(0.0, 0.0, len(row), [i for i, _ in row], [v for _, v in row])

    def solve(self) -> tuple[frozenset[int], float] | None:
        """The accepted bundles of an optimum and an upper bound of the welfare (both
        without constant terms), or None when no set is left."""
        h = self.h
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values = h.getSolution().col_value[self.first :]
        accepted = frozenset(b for b, value in enumerate(values) if value > 0.5)
        bound = -float(h.getInfo().mip_dual_bound)
        return accepted, bound

    def exclude(self, accepted: frozenset[int]) -> None:
        """Cut off exactly this set: Σ_{b∉A} x_b − Σ_{b∈A} x_b ≥ 1 − |A|."""
        index = list(range(self.first, self.first + self.size))
        value = [-1.0 if b in accepted else 1.0 for b in range(self.size)]
        self.h.addRow(1.0 - len(accepted), highspy.kHighsInf, len(index), index, value)


def nearest_prices(
    targets: Sequence[int],
    boxes: Sequence[tuple[int, int]],
    rows: Sequence[tuple[dict[int, int], int]],
) -> list[int] | None:
    """Integer prices inside ``boxes`` meeting every row (Σ coeff_m·p_m ≤ rhs), chosen market
    by market in index order: each as near its target as the rows allow with the later
    markets still free in their boxes, of two equally near the lower. None if there are none
    (or the numbers are too large for the solver to be exact).
    """
    if any(abs(c) >= _EXACT for coeffs, rhs in rows for c in (*coeffs.values(), rhs)):
        return None
    fixed: list[int] = []
    for m, target in enumerate(targets):
        price = _nearest(m, target, fixed, targets, boxes, rows)
        if price is None:
            return None
        fixed.append(price)
    return fixed


def _nearest(
    m: int,
    target: int,
    fixed: list[int],
    targets: Sequence[int],
    boxes: Sequence[tuple[int, int]],
    rows: Sequence[tuple[dict[int, int], int]],
) -> int | None:
    """Price m: minimise K·(up + down) + up with p_m = target + up − down, K > any ``up``."""
    h = _highs()
    n = len(targets)
    lower = [float(fixed[i]) if i < m else float(boxes[i][0]) for i in range(n)]
    upper = [float(fixed[i]) if i < m else float(boxes[i][1]) for i in range(n)]
    weight = float(boxes[m][1] - boxes[m][0] + 1)
    inf = highspy.kHighsInf
    h.addVars(n + 2, [*lower, 0.0, 0.0], [*upper, inf, inf])
    h.changeColsCost(2, [n, n + 1], [weight + 1.0, weight])  # up, down
    h.changeColsIntegrality(n, list(range(n)), np.ones(n, dtype=np.uint8))
    h.addRow(float(target), float(target), 3, [m, n, n + 1], [1.0, -1.0, 1.0])
    for coeffs, rhs in rows:
        index = sorted(coeffs)
        h.addRow(-inf, float(rhs), len(index), index, [float(coeffs[i]) for i in index])
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return round(h.getSolution().col_value[m])


def scale_of(values: Sequence[Decimal]) -> int:
    """The least power of ten that makes every value an integer."""
    places = 0
    for value in values:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        places = max(places, -exponent)
    return 10**places
