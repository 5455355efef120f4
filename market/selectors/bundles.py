"""Reads of bundles and session rounds: a division sees only its own bundles (sealed bids);
management and auditors see every division's. Each in a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tokenhub import formatting

from .. import roles
from ..models import Bundle, BundleLeg, Round, SessionRound


def _legs() -> "Prefetch[Any]":
    return Prefetch(
        "legs",
        queryset=BundleLeg.objects.select_related(
            "round__market__asset", "round__market__window__series", "fill"
        ).order_by("pk"),
    )


def bundles_visible_to(user: Any) -> QuerySet[Bundle]:
    """The user's division's bundles, newest first (every bundle for management/auditors)."""
    bundles = Bundle.objects.select_related(
        "session_round__session", "binding_market", "division"
    ).prefetch_related(_legs())
    if roles.sees_everything(user):
        return bundles
    division = roles.division_of(user)
    return bundles.filter(division=division) if division else bundles.none()


def session_rounds_visible() -> QuerySet[SessionRound]:
    """Session rounds with their markets' rounds (public: schedules are not sealed)."""
    rounds = Round.objects.select_related("market__window__series").order_by("market__name")
    return SessionRound.objects.select_related("session").prefetch_related(
        Prefetch("market_rounds", queryset=rounds)
    )


def open_session_rounds() -> QuerySet[SessionRound]:
    return session_rounds_visible().filter(state=SessionRound.State.OPEN).order_by("closes_at")


@dataclass(frozen=True)
class Explanation:
    """Why a cleared bundle was accepted or not, in the reader's language."""

    sentence: str
    binding_leg: BundleLeg | None
    limit_needed: Decimal | None


def bundle_explanation(bundle: Bundle) -> Explanation | None:
    """The outcome of a cleared bundle as a sentence; None while it is open or cancelled."""
    if bundle.state in (Bundle.State.OPEN, Bundle.State.CANCELLED):
        return None
    legs = list(bundle.legs.all())
    binding = next((leg for leg in legs if leg.round.market_id == bundle.binding_market_id), None)
    values = {
        "cost": formatting.money(bundle.cost),
        "limit": formatting.money(bundle.limit),
        "needed": formatting.money(bundle.limit_needed),
    }
    reason = bundle.reason
    if reason == Bundle.Reason.ACCEPTED:
        text = (
            _(
                "Accepted: its legs cost %(cost)s credits net at the clearing prices, within "
                "its limit of %(limit)s."
            )
            % values
        )
    elif reason == Bundle.Reason.TOO_EXPENSIVE and binding is not None:
        price = binding.round.price
        text = _(
            "Not accepted: at the clearing prices its legs cost %(cost)s credits net, more "
            "than its limit of %(limit)s. The leg in %(market)s made it too expensive "
            "(%(side)s %(units)s at %(price)s). A limit of %(needed)s would have been accepted."
        ) % {
            **values,
            "market": binding.round.market,
            "side": binding.get_side_display(),
            "units": formatting.units(binding.quantity),
            "price": formatting.price(price),
        }
    elif reason == Bundle.Reason.PARADOXICALLY_REJECTED:
        text = (
            _(
                "Not accepted, although its limit of %(limit)s covers its legs at the clearing "
                "prices (%(cost)s credits net): accepting it would have moved the prices or "
                "displaced orders worth more (paradoxically rejected)."
            )
            % values
        )
    else:
        text = _("Not accepted: %(reason)s.") % {"reason": bundle.get_reason_display()}
    return Explanation(text, binding, bundle.limit_needed)


def round_bundle_legs(*, round_id: int, user: Any) -> list[BundleLeg]:
    """Bundle legs in one round the user may see (its division's; every one for management
    and auditors), each with its bundle and, once accepted, its fill."""
    legs = BundleLeg.objects.filter(round_id=round_id).exclude(bundle__state=Bundle.State.CANCELLED)
    if not roles.sees_everything(user):
        division = roles.division_of(user)
        if division is None:
            return []
        legs = legs.filter(bundle__division=division)
    return list(legs.select_related("bundle__division", "fill").order_by("bundle_id", "pk"))
