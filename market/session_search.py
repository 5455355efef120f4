"""The search of ``market.session_clearing``: which bundles to accept, and at what prices.

Pure (no Django). ``Search.evaluate`` applies steps 1-4 of the rule to one set of bundles
in exact arithmetic; ``Search.run`` asks the welfare MIP for sets, evaluates each, cuts off
the inadmissible ones and keeps the best admissible set (step 5).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, TypeVar

from .clearing import Clearing
from .session_book import MarketState, Priced
from .session_solver import MarketLevels, WelfareModel, nearest_prices, scale_of

if TYPE_CHECKING:
    from .session_clearing import Bundle

T = TypeVar("T")
REPAIRS: Final = 8


@dataclass(frozen=True, slots=True)
class Plan:
    """A validated bundle: its legs as market index -> units bought (> 0) or sold (< 0)."""

    bundle: Bundle
    net: dict[int, int]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An admissible set of bundles (by plan index) with its markets and welfare.

    ``priced``/``prices`` cover the markets with legs of the set (prices in ticks).
    """

    accepted: frozenset[int]
    priced: dict[int, Priced]
    prices: dict[int, int]
    welfare: Decimal


def canonical(items: Sequence[T], key_of: Callable[[T], Hashable]) -> list[T]:
    """``items`` by ``(type name, key)``; by ``(type name, repr(key))`` if keys do not compare."""
    try:
        return sorted(items, key=lambda item: (type(key_of(item)).__name__, key_of(item)))
    except TypeError:
        return sorted(items, key=lambda item: (type(key_of(item)).__name__, repr(key_of(item))))


def better(one: Candidate, other: Candidate) -> bool:
    """Higher welfare; on a tie, the set accepting the first bundle on which they differ."""
    if one.welfare != other.welfare:
        return one.welfare > other.welfare
    differ = one.accepted ^ other.accepted
    return bool(differ) and min(differ) in one.accepted


def _surplus_alone(state: MarketState) -> int:
    priced = state.priced(0)
    assert priced is not None  # nothing inelastic to fill
    return priced.surplus_ticks


class Search:
    def __init__(
        self,
        states: Sequence[MarketState],
        plans: Sequence[Plan],
        *,
        max_rounds: int,
        gap: float = 0.0,
    ) -> None:
        self.states, self.plans, self.max_rounds, self.gap = states, plans, max_rounds, gap
        self.base = [state.decimal(_surplus_alone(state)) for state in states]  # credits
        self._seen: dict[frozenset[int], tuple[Candidate | None, frozenset[int]]] = {}
        self.rounds = 0

    # ------------------------------------------------------------------ exact steps 1-4

    def cost(self, b: int, prices: dict[int, int]) -> Decimal:
        """cost_b at prices in ticks (every leg's market must be priced)."""
        states = self.states
        return sum(
            (n * states[m].decimal(prices[m]) for m, n in self.plans[b].net.items()), Decimal(0)
        )

    def evaluate(self, accepted: frozenset[int]) -> tuple[Candidate | None, frozenset[int]]:
        """The candidate for ``accepted`` if admissible, and the bundles failing at §7's prices."""
        if accepted not in self._seen:
            self._seen[accepted] = self._evaluate(accepted)
        return self._seen[accepted]

    def _evaluate(self, accepted: frozenset[int]) -> tuple[Candidate | None, frozenset[int]]:
        nets: dict[int, int] = {}
        for b in sorted(accepted):
            for m, units in self.plans[b].net.items():
                nets[m] = nets.get(m, 0) + units
        priced: dict[int, Priced] = {}
        for m in sorted(nets):
            found = self.states[m].priced(nets[m])
            if found is None:
                return None, frozenset()
            priced[m] = found
        targets = {m: found.price for m, found in priced.items()}
        failing = frozenset(b for b in accepted if self.cost(b, targets) > self._limit(b))
        prices = self._prices(accepted, priced) if failing else targets
        if prices is None:
            return None, failing
        welfare = sum((self._limit(b) for b in accepted), Decimal(0))
        for m, state in enumerate(self.states):
            welfare += state.decimal(priced[m].surplus_ticks) if m in priced else self.base[m]
        return Candidate(accepted, priced, prices, welfare), failing

    def _limit(self, b: int) -> Decimal:
        return self.plans[b].bundle.limit

    def _prices(self, accepted: frozenset[int], priced: dict[int, Priced]) -> dict[int, int] | None:
        """Step 2 when §7's prices fail a bundle: the nearest prices meeting every bundle."""
        markets = sorted(priced)
        column = {m: j for j, m in enumerate(markets)}
        ticks = [self.states[m].book.tick for m in markets]
        scale = scale_of([*ticks, *(self._limit(b) for b in accepted)])
        rows = []
        for b in sorted(accepted):
            coeffs = {
                column[m]: int(n * ticks[column[m]] * scale) for m, n in self.plans[b].net.items()
            }
            rows.append((coeffs, int(self._limit(b) * scale)))
        boxes = [(priced[m].low, priced[m].high) for m in markets]
        found = nearest_prices([priced[m].price for m in markets], boxes, rows)
        if found is None:
            return None
        prices = dict(zip(markets, found, strict=True))
        inside = all(priced[m].low <= prices[m] <= priced[m].high for m in markets)
        if not inside or any(self.cost(b, prices) > self._limit(b) for b in accepted):
            return None  # the solver's answer does not hold exactly: treat as none
        return prices

    # ------------------------------------------------------------------------ step 5

    def run(self) -> Candidate:
        """The best admissible set found (module docstring of session_clearing: The search)."""
        best, _ = self.evaluate(frozenset())
        assert best is not None  # the empty set is always admissible
        out = self._never()
        if len(out) == len(self.plans):
            return best
        touched = sorted({m for plan in self.plans for m in plan.net})
        constant = sum(
            (self.base[m] for m in range(len(self.states)) if m not in touched), Decimal(0)
        )
        values = [
            *(state.book.tick for state in self.states),
            *map(self._limit, range(len(self.plans))),
        ]
        unit = 1 / scale_of(values)  # welfare differences are multiples of this
        model = self._model(touched, out, unit / 4)
        while self.rounds < self.max_rounds:
            self.rounds += 1
            found = model.solve()
            if found is None:
                break
            accepted, bound = found
            best = self._try(accepted, best)
            below = bound - float(best.welfare - constant)
            if below < -unit / 2 or (unit / 2 < below <= self.gap * abs(bound)):
                break  # every set left is worse, or the best found is within the gap
            model.exclude(accepted)
        return best

    def _try(self, accepted: frozenset[int], best: Candidate) -> Candidate:
        """Evaluate the set; if inadmissible, the sets without one of its first failing
        bundles (``REPAIRS`` of them) and without all of them, each repaired alike."""
        candidate, failing = self.evaluate(accepted)
        if candidate is not None:
            return candidate if better(candidate, best) else best
        for b in sorted(failing)[:REPAIRS]:
            best = self._repair(accepted - {b}, best)
        return self._repair(accepted - failing, best) if failing else best

    def _repair(self, accepted: frozenset[int], best: Candidate) -> Candidate:
        """Drop the failing bundles until the set is admissible."""
        while True:
            candidate, failing = self.evaluate(accepted)
            if candidate is not None:
                return candidate if better(candidate, best) else best
            if not failing:
                return best
            accepted = accepted - failing

    def _never(self) -> set[int]:
        """Bundles no prices could satisfy, or whose legs no counterparty could fill."""
        bought = [0] * len(self.states)
        sold = [0] * len(self.states)
        for plan in self.plans:
            for m, n in plan.net.items():
                if n > 0:
                    bought[m] += n
                else:
                    sold[m] -= n
        out = set()
        for b, plan in enumerate(self.plans):
            least = Decimal(0)
            for m, n in plan.net.items():
                state = self.states[m]
                if n > state.ask_units + sold[m] or -n > state.bid_units + bought[m]:
                    out.add(b)
                least += n * state.decimal(state.lo if n > 0 else state.hi)
            if least > plan.bundle.limit:
                out.add(b)
        return out

    def _model(self, touched: list[int], out: set[int], gap: float) -> WelfareModel:
        column = {m: j for j, m in enumerate(touched)}
        levels = []
        for m in touched:
            state = self.states[m]
            tick = float(state.book.tick)
            levels.append(
                MarketLevels(
                    bids=[(t * tick, units) for t, units in state.bid_levels],
                    asks=[(t * tick, units) for t, units in state.ask_levels],
                )
            )
        nets = [{column[m]: n for m, n in plan.net.items()} for plan in self.plans]
        limits = [float(plan.bundle.limit) for plan in self.plans]
        return WelfareModel(levels, nets, limits, out, gap)

    # ---------------------------------------------------------------------- results

    def clearing(self, best: Candidate, m: int) -> Clearing:
        """Market ``m``'s §7 ``Clearing`` in the outcome ``best``."""
        state = self.states[m]
        if m not in best.priced:
            return state.alone
        priced = best.priced[m]
        legs = sum(max(self.plans[b].net.get(m, 0), 0) for b in best.accepted)
        return Clearing(
            price=state.decimal(best.prices[m]),
            volume=state.bought(priced.filled) + legs,
            fills=state.fills(priced.filled),
            demand=list(state.alone.demand),
            supply=list(state.alone.supply),
            low=state.decimal(priced.low),
            high=state.decimal(priced.high),
        )
