"""A bundle's legs as typed, checked: their rounds and sides, no self-trade, position limits.

A division never trades with itself: a leg is refused when the division has an open order or
another open bundle's leg on the other side of its round, or when the bundle itself both buys
and sells in one market. `order_place` refuses the same from the other end
(`placement_sql.order_insert_unless_opposite`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from divisions.models import Division
from oversight import limits

from ..errors import InvalidState, MarketError
from ..locks import placing_in_rounds
from ..models import Bundle, BundleLeg, Order, Round, SessionRound, Side
from ..models.bundles import MAX_LEGS
from ..parsing import parse_id, parse_units


@dataclass(frozen=True)
class LegInput:
    """A leg as typed: the market's id, "buy" or "sell", and a quantity (parsed strictly)."""

    market: Any
    side: Any
    quantity: Any


def legs_from_input(session_round: SessionRound, legs: Sequence[LegInput]) -> list[BundleLeg]:
    """The typed legs, checked: 1 to MAX_LEGS, each in an open round of the session round,
    one per market, a valid side and a whole positive quantity."""
    if not 1 <= len(legs) <= MAX_LEGS:
        raise MarketError(_("A bundle has 1 to %(most)s legs.") % {"most": MAX_LEGS}, field="legs")
    rounds = {
        r.market_id: r
        for r in Round.objects.filter(session_round=session_round).select_related("market__asset")
    }
    built: list[BundleLeg] = []
    for i, leg in enumerate(legs):
        market_id = parse_id(leg.market)
        round_ = rounds.get(market_id or 0)
        if round_ is None:
            raise MarketError(
                _("Leg %(n)s: market %(market)s does not trade in %(round)s.")
                % {"n": i + 1, "market": leg.market, "round": session_round},
                field=f"legs.{i}.market",
            )
        twin = next((b for b in built if b.round.market_id == market_id), None)
        if twin is not None:
            raise _second_leg_in_market(i, leg, twin)
        if round_.market.halted or round_.state != Round.State.OPEN:
            raise InvalidState(
                _("Leg %(n)s: %(market)s is not open for orders.")
                % {"n": i + 1, "market": round_.market},
                field=f"legs.{i}.market",
            )
        if leg.side not in Side.values:
            raise MarketError(
                _("Leg %(n)s: side must be 'buy' or 'sell'.") % {"n": i + 1},
                field=f"legs.{i}.side",
            )
        quantity = parse_units(leg.quantity, field=f"legs.{i}.quantity")
        built.append(BundleLeg(round=round_, side=leg.side, quantity=quantity))
    return built


def _second_leg_in_market(i: int, leg: LegInput, twin: BundleLeg) -> MarketError:
    if leg.side in Side.values and leg.side != twin.side:
        return MarketError(
            _(
                "Leg %(n)s: the bundle both buys and sells in %(market)s; "
                "a division cannot trade with itself."
            )
            % {"n": i + 1, "market": twin.round.market},
            field=f"legs.{i}.side",
        )
    return MarketError(
        _("Leg %(n)s: a bundle has one leg per market.") % {"n": i + 1},
        field=f"legs.{i}.market",
    )


def legs_check(division: Division, legs: list[BundleLeg], bundle: Bundle | None = None) -> None:
    """No self-trade with the division's open orders or its other open bundles (`bundle` is
    the one being changed); position limits per buy leg.

    Race-free: the division's placing lock in each leg's round is taken first, the lock a
    simple order takes with its round (see `locks.placing_in_rounds`), so a placement of the
    same division in these rounds, order or bundle, has committed or waits.
    """
    placing_in_rounds((leg.round_id for leg in legs), division_id=division.pk)
    opposite_bundles = _opposite_bundles(division, legs, bundle)
    for i, leg in enumerate(legs):
        opposite = Side.SELL if leg.is_bid else Side.BUY
        if Order.objects.filter(
            round=leg.round, division=division, side=opposite, state=Order.State.OPEN
        ).exists():
            raise MarketError(
                _(
                    "Leg %(n)s: %(division)s has an open order on the other side in "
                    "%(market)s; a division cannot trade with itself."
                )
                % {"n": i + 1, "division": division, "market": leg.round.market},
                field=f"legs.{i}.side",
            )
        other = opposite_bundles.get((leg.round_id, opposite))
        if other is not None:
            raise MarketError(
                _(
                    "Leg %(n)s: %(division)s has an open bundle (%(bundle)s) on the other side "
                    "in %(market)s; a division cannot trade with itself."
                )
                % {"n": i + 1, "division": division, "bundle": other, "market": leg.round.market},
                field=f"legs.{i}.side",
            )
        if leg.is_bid:
            limits.bid_check(round_=leg.round, division=division, quantity=leg.quantity)


def _opposite_bundles(
    division: Division, legs: list[BundleLeg], bundle: Bundle | None
) -> dict[tuple[int, str], str]:
    """The division's other open bundles' legs in these rounds: (round, side) -> public id."""
    others = BundleLeg.objects.filter(
        round_id__in=[leg.round_id for leg in legs],
        bundle__division=division,
        bundle__state=Bundle.State.OPEN,
    )
    if bundle is not None:
        others = others.exclude(bundle=bundle)
    found: dict[tuple[int, str], str] = {}
    for round_id, side, public_id in others.order_by("bundle_id").values_list(
        "round_id", "side", "bundle__public_id"
    ):
        found.setdefault((round_id, side), public_id)
    return found
