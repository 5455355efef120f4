"""The sharing rule: how one external revenue record is shared along the token chain.

A pure function (no Django, `Decimal` and `Fraction` only), deterministic, exact to the cent.
Other tools rely on it as they rely on the clearing rule (SPEC §7).

```
share(revenue, *, earner, passes, layers) -> Sharing
attribute(rounds) -> {buyer: {seller: credits}}
Sharing.parts   {division id: Decimal credits it keeps}, parts of 0.00 left out
Sharing.flows   (Flow(layer, payer, payee, amount), ...) every amount passed upstream
```

Inputs:
- `revenue`: credits, a finite `Decimal` ≥ 0 with at most 2 places; R = revenue in cents.
- `earner`: the division id that booked the revenue.
- `passes`: {division id: f} the fraction management set for each division to pass upstream,
  0 ≤ f ≤ 1; a division not listed passes 0.
- `layers`: layer k is {buyer id: {seller id: w}}, w ≥ 0 the credits the buyer paid that seller
  for the units of layer k (layer 0: the token units the earner consumed in the period; layer 1:
  the GPU-hours behind those tokens, bought in the same period). A weight may be a `Fraction`.

The rule, step by step:
1. The earner holds R cents at layer 0.
2. At layer k, each holder h (in ascending id) holding A cents, with weights w(h, s) > 0 towards
   sellers s ≠ h, passes P = floor(A × f(h)) cents upstream and keeps A − P. A holder with no
   such seller passes nothing and keeps A.
3. P is split among h's sellers pro rata to w(h, s): each gets floor(P × w / W), W = Σ w; the
   cents left over go one each to the largest remainders, ties to the lower division id.
4. What each seller receives at layer k, summed over holders, is what it holds at layer k + 1.
5. After the last layer, every holder keeps all it holds ("what has no upstream stays with the
   last holder").
A division's part is the sum of what it keeps at every layer.

Guarantees: the parts sum to R exactly; every part ≥ 0; only the earner and divisions that sold
a holder something upstream (w > 0) receive anything; the result does not depend on the order
of any input.

`attribute` turns uniform-price rounds (which pair no buyer with a seller) into weights: in a
round where the sellers sold units u(s) (U in all), a buyer that paid C credits is taken to
have paid each seller C × u(s) / U, exactly (a `Fraction`). Weights are summed over rounds.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")
Weight = Decimal | Fraction | int
Layer = Mapping[int, Mapping[int, Weight]]


class SharingError(ValueError):
    """An input the rule does not accept, with a message naming it."""


@dataclass(frozen=True, order=True)
class Flow:
    layer: int
    payer: int
    payee: int
    amount: Decimal


@dataclass(frozen=True)
class Sharing:
    parts: dict[int, Decimal]
    flows: tuple[Flow, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RoundTrades:
    """One settled round: credits each buyer paid, units each seller sold."""

    paid: Mapping[int, Weight]
    sold: Mapping[int, int]


def _cents(revenue: Decimal) -> int:
    if not isinstance(revenue, Decimal) or not revenue.is_finite():
        raise SharingError(f"The revenue must be a finite Decimal, not {revenue!r}.")
    if revenue < 0:
        raise SharingError(f"The revenue cannot be negative: {revenue}.")
    if revenue != revenue.quantize(CENT):
        raise SharingError(f"The revenue has more than 2 decimal places: {revenue}.")
    return int(revenue * 100)


def _fraction(value: Weight, what: str) -> Fraction:
    if isinstance(value, Decimal) and not value.is_finite():
        raise SharingError(f"{what} must be finite, not {value}.")
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int):
        raise SharingError(f"{what} must be a Decimal, Fraction or int, not {value!r}.")
    return Fraction(value)


def _pass_fraction(passes: Mapping[int, Weight], holder: int) -> Fraction:
    f = _fraction(passes.get(holder, 0), f"The pass-up fraction of division {holder}")
    if not 0 <= f <= 1:
        raise SharingError(f"The pass-up fraction of division {holder} must be in [0, 1]: {f}.")
    return f


def split(total: int, weights: Mapping[int, Fraction]) -> dict[int, int]:
    """`total` cents pro rata to weights: floors, then largest remainder, lower id first."""
    whole = sum(weights.values(), Fraction(0))
    if total == 0 or whole == 0:
        return {}
    exact = {key: total * w / whole for key, w in weights.items()}
    parts = {key: int(value) for key, value in exact.items()}  # int() floors a Fraction ≥ 0
    left = total - sum(parts.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - parts[key]), key))
    for key in by_remainder[:left]:
        parts[key] += 1
    return {key: cents for key, cents in parts.items() if cents}


def _sellers(layer: Layer, holder: int) -> dict[int, Fraction]:
    weights: dict[int, Fraction] = {}
    for seller, weight in layer.get(holder, {}).items():
        w = _fraction(weight, f"The weight of {holder} → {seller}")
        if w < 0:
            raise SharingError(f"The weight of {holder} → {seller} is negative: {weight}.")
        if w > 0 and seller != holder:
            weights[seller] = w
    return weights


def share(
    revenue: Decimal, *, earner: int, passes: Mapping[int, Weight], layers: Sequence[Layer]
) -> Sharing:
    """Share `revenue` along the chain by the rule in this module's docstring."""
    holding: dict[int, int] = {earner: _cents(revenue)}
    kept: dict[int, int] = defaultdict(int)
    flows: list[Flow] = []
    for k, layer in enumerate(layers):
        upstream: dict[int, int] = defaultdict(int)
        for holder in sorted(holding):
            amount, sellers = holding[holder], _sellers(layer, holder)
            f = _pass_fraction(passes, holder)
            passed = int(amount * f) if sellers else 0
            kept[holder] += amount - passed
            for seller, cents in sorted(split(passed, sellers).items()):
                flows.append(Flow(k, holder, seller, (Decimal(cents) / 100).quantize(CENT)))
                upstream[seller] += cents
        holding = dict(upstream)
    for holder, amount in holding.items():
        kept[holder] += amount
    parts = {d: (Decimal(c) / 100).quantize(CENT) for d, c in sorted(kept.items()) if c}
    return Sharing(parts=parts, flows=tuple(sorted(flows)))


def attribute(rounds: Iterable[RoundTrades]) -> dict[int, dict[int, Fraction]]:
    """Weights {buyer: {seller: credits}}: each payment pro rata to the units sold."""
    weights: dict[int, dict[int, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for trades in rounds:
        units = sum(trades.sold.values())
        if units <= 0:
            continue
        for buyer, paid in trades.paid.items():
            credits = _fraction(paid, f"The credits paid by {buyer}")
            for seller, sold in trades.sold.items():
                if sold > 0 and seller != buyer:
                    weights[buyer][seller] += credits * sold / units
    return {buyer: dict(sellers) for buyer, sellers in weights.items()}
