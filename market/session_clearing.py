"""Clearing a session: several markets closing together, with bundle (linked) orders.

Pure like ``market.clearing`` (no Django, no database, clock or randomness; inputs are not
mutated): ``clear_session(books, bundles)`` is a function of its arguments alone, in any
input order. It extends SPEC §7 to all-or-none packages across markets, the way EU power
exchanges clear block and linked orders (EUPHEMIA): maximise welfare with a MIP, then price
each market and check the packages against those prices.

The rule
--------
A session is a set of markets ``m``, each a §7 book of simple orders with its ``rule``,
``floor``, ``cap`` and ``tick`` (``MarketBook``), and a set of bundles ``b``: legs
``(m, side, q)``, at most one per market, and a ``limit``, the most net credits the package
may cost. At prices ``p`` (one per market) ``cost_b(p) = Σ_buy legs q·p_m − Σ_sell legs
q·p_m``; a buyer's most is a positive limit, a net seller's least receipt ``R`` the limit
``−R``. A bundle is accepted whole or not at all.

1. *Markets, given a set A of accepted bundles.* In each market the legs of A net to ``N_m``
   units (bought minus sold). The market clears by §7 with one more order of ``|N_m|`` units,
   a bid if ``N_m > 0`` and an ask if ``N_m < 0``, that takes any price in ``[lo_m, hi_m]``
   (``lo`` = floor, or 0; ``hi`` = cap or, without one, the highest limit in the book, at
   least ``lo``) and comes before every simple order of its side in price priority, so the
   margin rule never shares it. This gives the volume, the simple orders' fills (§7: price
   priority, pro rata at the marginal level with largest remainders, ties by seq then id),
   the interval ``[L_m, U_m]`` of prices reaching the volume and §7's price ``p°_m`` on it
   (``midpoint`` or ``pay_as_clear``). Where legs of A trade but no simple order does,
   ``[L_m, U_m] = [lo_m, hi_m]``. A market without legs of A clears by §7 alone, exactly as
   ``market.clearing.clear``.
2. *Prices.* If ``cost_b(p°) ≤ limit_b`` for every b in A, the prices are ``p°``. Otherwise
   they are chosen on the tick grid inside the intervals ``[L_m, U_m]``, market by market in
   key order, each as near its ``p°_m`` as the condition of every b in A allows (later
   markets still free in their intervals), of two equally near the lower. Every price in
   ``[L_m, U_m]`` supports §7's fills: no simple order trades against its limit.
3. A is *admissible* if every ``N_m`` is filled in full and such prices exist. Then every
   market balances (units bought, simple fills plus buy legs, equal units sold) and no
   accepted bundle pays more than its limit: none is paradoxically accepted.
4. *Welfare* of A: Σ units × limit of the filled simple bids − Σ units × limit of the filled
   simple asks + Σ limit_b over b in A (payments cancel out, since every market balances).
5. *The outcome* is the admissible A of the highest welfare; between sets of equal welfare,
   the one that accepts the bundle first in (seq, id) order on which they differ. The empty
   set is admissible (each market by §7 alone), so the welfare is never below clearing the
   markets separately, and without bundles the result is ``clear`` per market, order for
   order.

A rejected bundle is *paradoxically rejected* if its limit covers its legs at the final
prices: accepting it would have moved prices or displaced orders worth more. Markets, bundle
ids and leg markets compare by ``(type name, value)`` (by ``repr`` where values do not
compare), so the result does not depend on input order.

The search
----------
Step 5 is solved as EUPHEMIA does. A MIP (HiGHS, ``market.session_solver``) maximises welfare
over binary bundle choices and the simple orders aggregated by price level, subject to each
market's balance: the best A before the price condition, and a bound on every A left. Steps 1-2
then check its A exactly. Each A the MIP proposes is cut off (a no-good cut) before it is
solved again; an inadmissible A is also repaired: the sets without one of its first ``REPAIRS``
bundles failing at ``p°``, and without all of them, each dropping the bundles that fail in turn
until admissible, are evaluated too. The best admissible set found stands when the MIP's bound
falls below it (every set left is worse; sets of equal welfare are still looked at), when it is
below the bound but within ``gap`` of it (relative, 1e-4 by default, as MIP solvers' default
gap; ``gap=0`` turns this off), or after ``max_rounds`` MIP solves. The search is the same on
every run, so its result is too. Bundles that no prices in the markets' ranges could satisfy,
or whose legs no counterparty could fill, are never offered to the MIP.

Explanations
------------
``BundleOutcome.reason`` is ``accepted``; ``no_counterparty`` if a leg wants more units than
the other side of its market's simple book offers within floor and cap; else, with each leg
priced at its market's final price (or, in a market where nothing traded, at §7's price with
that leg alone added), ``too_expensive`` if the cost exceeds the limit (``binding_market`` the
leg adding the most to the cost, ``limit_needed`` that cost) or ``paradoxically_rejected``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .clearing import BUY, SELL, Clearing, ClearingError, Order
from .session_book import MarketState
from .session_search import Candidate, Plan, Search, canonical

__all__ = [
    "GAP",
    "MAX_ROUNDS",
    "REASONS",
    "Bundle",
    "BundleOutcome",
    "Leg",
    "MarketBook",
    "SessionClearing",
    "clear_session",
]

MAX_ROUNDS: Final = 32
GAP: Final = 1e-4
REASONS: Final = ("accepted", "too_expensive", "paradoxically_rejected", "no_counterparty")


@dataclass(frozen=True)
class MarketBook:
    """One market of a session: its simple orders and §7 parameters."""

    market: Hashable
    orders: tuple[Order, ...]
    rule: str = "midpoint"
    floor: Decimal | None = None
    cap: Decimal | None = None
    tick: Decimal = Decimal("0.01")


@dataclass(frozen=True)
class Leg:
    """``quantity`` units (a positive int) bought (``side`` "buy") or sold in ``market``."""

    market: Hashable
    side: str
    quantity: int


@dataclass(frozen=True)
class Bundle:
    """An all-or-none package. ``limit``: the most net credits it may cost (see the rule)."""

    id: Hashable
    legs: tuple[Leg, ...]
    limit: Decimal
    seq: int = 0


@dataclass(frozen=True)
class BundleOutcome:
    """What happened to one bundle, at the clearing prices (module docstring, Explanations)."""

    id: Hashable
    accepted: bool
    cost: Decimal | None
    paradoxical: bool
    reason: str
    binding_market: Hashable | None
    limit_needed: Decimal | None


@dataclass(frozen=True)
class SessionClearing:
    """Per market the §7 ``Clearing`` (price, volume including bundle legs, fills of the
    simple orders, curves of the simple book, low/high); per bundle its outcome; welfare."""

    markets: dict[Hashable, Clearing]
    bundles: dict[Hashable, BundleOutcome]
    welfare: Decimal


def clear_session(
    books: Sequence[MarketBook],
    bundles: Sequence[Bundle],
    *,
    max_rounds: int = MAX_ROUNDS,
    gap: float = GAP,
) -> SessionClearing:
    """Clear a session by the rule in the module docstring.

    ``max_rounds`` and ``gap`` bound the search (module docstring, The search); ``gap=0``
    searches until no better set can be left, within ``max_rounds`` MIP solves.

    Raises ``ClearingError`` naming the market, order or bundle that is invalid (a book as
    ``clear`` does; a bundle with no legs, a leg outside the session, two legs in one
    market, a bad side or quantity, a limit that is not a finite Decimal, duplicate ids).
    """
    states = _markets(books)
    index = {state.book.market: m for m, state in enumerate(states)}
    plans = _plans(bundles, index)
    search = Search(states, plans, max_rounds=max_rounds, gap=gap)
    best = search.run()
    markets = {state.book.market: search.clearing(best, m) for m, state in enumerate(states)}
    outcomes = {plan.bundle.id: _outcome(search, best, b, markets) for b, plan in enumerate(plans)}
    return SessionClearing(markets, outcomes, best.welfare)


def _markets(books: Iterable[MarketBook]) -> list[MarketState]:
    books = list(books)
    seen: set[Hashable] = set()
    for book in books:
        try:
            duplicate = book.market in seen
        except TypeError:
            raise ClearingError(f"market {book.market!r}: not hashable") from None
        if duplicate:
            raise ClearingError(f"market {book.market!r}: two books")
        seen.add(book.market)
    states = []
    for book in canonical(books, lambda book: book.market):
        try:
            states.append(MarketState(book))
        except ClearingError as error:
            raise ClearingError(f"market {book.market!r}: {error}") from None
    return states


def _plans(bundles: Iterable[Bundle], index: dict[Hashable, int]) -> list[Plan]:
    bundles = list(bundles)
    seen: set[Hashable] = set()
    plans = []
    for bundle in bundles:
        name = f"bundle {getattr(bundle, 'id', bundle)!r}"
        try:
            duplicate = bundle.id in seen
        except (TypeError, AttributeError):
            raise ClearingError(f"{name}: id is not hashable") from None
        if duplicate:
            raise ClearingError(f"{name}: duplicate id")
        seen.add(bundle.id)
        plans.append(Plan(bundle, _net(bundle, index, name)))
    by_id = canonical(plans, lambda plan: plan.bundle.id)
    rank = {id(plan): r for r, plan in enumerate(by_id)}
    return sorted(plans, key=lambda plan: (plan.bundle.seq, rank[id(plan)]))


def _net(bundle: Bundle, index: dict[Hashable, int], name: str) -> dict[int, int]:
    """The bundle's legs as market index -> units bought (> 0) or sold (< 0)."""
    limit, seq, legs = bundle.limit, bundle.seq, bundle.legs
    if not isinstance(limit, Decimal) or not limit.is_finite():
        raise ClearingError(f"{name}: limit {limit!r} is not a finite Decimal")
    if type(seq) is not int:
        raise ClearingError(f"{name}: seq {seq!r} is not an int")
    if not isinstance(legs, tuple | list) or not legs:
        raise ClearingError(f"{name}: no legs")
    net: dict[int, int] = {}
    for leg in legs:
        market = getattr(leg, "market", None)
        try:
            m = index.get(market)
        except TypeError:
            m = None
        if m is None:
            raise ClearingError(f"{name}: leg in market {market!r}, which is not in the session")
        if m in net:
            raise ClearingError(f"{name}: two legs in market {market!r}")
        if leg.side not in (BUY, SELL):
            raise ClearingError(f"{name}: side {leg.side!r} is not 'buy' or 'sell'")
        if type(leg.quantity) is not int or leg.quantity <= 0:
            raise ClearingError(f"{name}: quantity {leg.quantity!r} is not a positive int")
        net[m] = leg.quantity if leg.side == BUY else -leg.quantity
    return dict(sorted(net.items()))


def _outcome(
    search: Search, best: Candidate, b: int, markets: dict[Hashable, Clearing]
) -> BundleOutcome:
    """One bundle's outcome and its explanation (module docstring, Explanations)."""
    plan = search.plans[b]
    bundle = plan.bundle
    if b in best.accepted:
        cost = search.cost(b, best.prices)
        return BundleOutcome(bundle.id, True, cost, False, "accepted", None, None)
    contributions: dict[Hashable, Decimal] = {}
    for m, n in plan.net.items():
        state = search.states[m]
        market = state.book.market
        if n > state.ask_units or -n > state.bid_units:
            return BundleOutcome(bundle.id, False, None, False, "no_counterparty", market, None)
        price = markets[market].price
        if price is None:
            alone = state.priced(n)
            assert alone is not None  # the other side holds at least n units
            price = state.decimal(alone.price)
        contributions[market] = n * price
    cost = sum(contributions.values(), Decimal(0))
    if cost > bundle.limit:
        binding = max(contributions, key=contributions.__getitem__)  # first of equals: key order
        return BundleOutcome(bundle.id, False, cost, False, "too_expensive", binding, cost)
    return BundleOutcome(bundle.id, False, cost, True, "paradoxically_rejected", None, None)
