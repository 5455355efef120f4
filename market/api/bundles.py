"""Bundles (linked orders) and session rounds over the API, through the same services as the
browser: place (idempotent by `Idempotency-Key`), change, cancel, list and read your own.

A bundle is all-or-none across the markets of one session round, with one `limit` in credits
for the whole package: the most it may cost net (Σ buy legs × price − Σ sell legs × price).
A net seller's least receipt R is the limit −R.
"""

from typing import Any

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from ..errors import MarketError
from ..ids import PATTERN
from ..models import Bundle, BundleLeg, Round, SessionRound, Side
from ..models.bundles import MAX_LEGS
from ..parsing import parse_money
from ..selectors import bundles as selectors
from ..services import bundles as services
from . import examples as ex
from .errors import market_error_body
from .fields import MoneyField, UnitsField
from .idempotency import respond_once
from .orders import IDEMPOTENCY
from .throttling import AnonRateThrottle, TokenRateThrottle, TradeRateThrottle

MAX_ID = 2**63 - 1


class SignedMoneyField(MoneyField):
    """Credits that may be negative (a net seller's least receipt, as −R)."""

    def to_internal_value(self, data: Any) -> Any:
        try:
            return parse_money(data, field=self.field_name or "limit", negative=True)
        except MarketError as error:
            raise serializers.ValidationError(error.message, code="invalid") from None


class LegInputSerializer(serializers.Serializer[Any]):
    market = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A market of the session round (its id)."
    )
    side = serializers.ChoiceField(choices=Side.choices, help_text="buy or sell")
    quantity = UnitsField(help_text="Whole units.")


LIMIT_HELP = (
    'Credits as a decimal string ("40.00"): the most the whole package may cost net, '
    "Σ buy legs × price − Σ sell legs × price. A net seller's least receipt R is −R."
)


class BundlePlaceSerializer(serializers.Serializer[Any]):
    session_round = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="An open session round's id."
    )
    limit = SignedMoneyField(help_text=LIMIT_HELP)
    legs = serializers.ListField(child=LegInputSerializer(), min_length=1, max_length=MAX_LEGS)


class BundleChangeSerializer(serializers.Serializer[Any]):
    limit = SignedMoneyField(required=False, help_text=LIMIT_HELP)
    legs = serializers.ListField(
        child=LegInputSerializer(),
        min_length=1,
        max_length=MAX_LEGS,
        required=False,
        help_text="Replaces all the legs.",
    )


class BundleFillSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(source="public_id")
    price = serializers.DecimalField(max_digits=20, decimal_places=2)
    amount = serializers.DecimalField(max_digits=30, decimal_places=2)


class BundleLegSerializer(serializers.ModelSerializer[BundleLeg]):
    market = serializers.IntegerField(source="round.market_id", read_only=True)
    fill = serializers.SerializerMethodField(help_text="Once accepted: its price and amount.")

    class Meta:
        model = BundleLeg
        fields = ["market", "round", "side", "quantity", "fill"]

    @extend_schema_field(BundleFillSerializer(allow_null=True))
    def get_fill(self, leg: BundleLeg) -> dict[str, Any] | None:
        fill = getattr(leg, "fill", None)
        return None if fill is None else dict(BundleFillSerializer(fill).data)


class BundleOutcomeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        help_text="accepted, too_expensive, paradoxically_rejected, no_counterparty or "
        "market_stopped"
    )
    sentence = serializers.CharField(help_text="The explanation, in the reader's language.")
    cost = serializers.DecimalField(max_digits=30, decimal_places=2, allow_null=True)
    paradoxical = serializers.BooleanField()
    binding_market = serializers.IntegerField(
        allow_null=True, help_text="The market whose leg made the bundle too expensive."
    )
    limit_needed = serializers.DecimalField(
        max_digits=30,
        decimal_places=2,
        allow_null=True,
        help_text="The limit that would have been accepted at the clearing prices.",
    )


class BundleSerializer(serializers.ModelSerializer[Bundle]):
    id = serializers.CharField(source="public_id", read_only=True, help_text="Opaque id.")
    limit = serializers.DecimalField(max_digits=20, decimal_places=2)
    legs = BundleLegSerializer(many=True, read_only=True)
    outcome = serializers.SerializerMethodField(help_text="null until the session round clears.")

    class Meta:
        model = Bundle
        fields = [
            "id",
            "session_round",
            "division",
            "limit",
            "state",
            "legs",
            "outcome",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(BundleOutcomeSerializer(allow_null=True))
    def get_outcome(self, bundle: Bundle) -> dict[str, Any] | None:
        explanation = selectors.bundle_explanation(bundle)
        if explanation is None:
            return None
        return {
            "reason": bundle.reason,
            "sentence": explanation.sentence,
            "cost": None if bundle.cost is None else str(bundle.cost),
            "paradoxical": bundle.paradoxical,
            "binding_market": bundle.binding_market_id,
            "limit_needed": None if bundle.limit_needed is None else str(bundle.limit_needed),
        }


class SessionRoundRoundSerializer(serializers.ModelSerializer[Round]):
    market_slug = serializers.CharField(source="market.slug", read_only=True)

    class Meta:
        model = Round
        fields = ["id", "market", "market_slug", "number", "state", "price", "volume"]


class SessionRoundSerializer(serializers.ModelSerializer[SessionRound]):
    session = serializers.CharField(source="session.slug", read_only=True)
    rounds = SessionRoundRoundSerializer(source="market_rounds", many=True, read_only=True)

    class Meta:
        model = SessionRound
        fields = ["id", "session", "number", "state", "opens_at", "closes_at", "rounds"]


LEGS = [
    {"market": 3, "side": "buy", "quantity": 10},
    {"market": 4, "side": "sell", "quantity": 8},
]
BUNDLE = {
    "id": "7mq2k9xt4bwz8pa3",
    "session_round": 12,
    "division": 2,
    "limit": "40.00",
    "state": "open",
    "legs": [
        {"market": 3, "round": 57, "side": "buy", "quantity": 10, "fill": None},
        {"market": 4, "round": 58, "side": "sell", "quantity": 8, "fill": None},
    ],
    "outcome": None,
    "created_at": "2026-12-03T04:10:00Z",
    "updated_at": "2026-12-03T04:10:00Z",
}
REJECTED = {
    **BUNDLE,
    "state": "rejected",
    "outcome": {
        "reason": "too_expensive",
        "sentence": "Not accepted: at the clearing prices its legs cost 45.00 credits net, more "
        "than its limit of 40.00. The leg in H100 eu-west made it too expensive (Bid (buy) 10 "
        "at 2.50). A limit of 45.00 would have been accepted.",
        "cost": "45.00",
        "paradoxical": False,
        "binding_market": 3,
        "limit_needed": "45.00",
    },
}
SESSION_ROUND = {
    "id": 12,
    "session": "next-week",
    "number": 4,
    "state": "open",
    "opens_at": "2026-12-03T04:00:00Z",
    "closes_at": "2026-12-03T04:05:00Z",
    "rounds": [
        {
            "id": 57,
            "market": 3,
            "market_slug": "h100-eu-west",
            "number": 9,
            "state": "open",
            "price": None,
            "volume": 0,
        }
    ],
}


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _legs_of(data: dict[str, Any]) -> list[services.LegInput] | None:
    legs = data.get("legs")
    if legs is None:
        return None
    return [services.LegInput(leg["market"], leg["side"], leg["quantity"]) for leg in legs]


@extend_schema_view(
    list=extend_schema(
        summary="List your bundles",
        description="Your division's bundles, newest first. Management and auditors see "
        "every division's.",
        examples=[ex.response("Bundles", ex.page(BUNDLE))],
    ),
    retrieve=extend_schema(
        summary="One bundle",
        description="One of your division's bundles with its legs and, once its session "
        "round has cleared, its outcome: accepted with a fill per leg, or why not (which "
        "leg's price made it too expensive and the limit that would have been accepted).",
        examples=[ex.response("Open", BUNDLE), ex.response("Rejected", REJECTED)],
    ),
)
class BundleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BundleSerializer
    throttle_classes = [AnonRateThrottle, TokenRateThrottle, TradeRateThrottle]
    lookup_field, lookup_url_kwarg, lookup_value_regex = "public_id", "pk", PATTERN
    idempotent_create = True  # documents 422 (ApiAutoSchema)

    def get_queryset(self) -> Any:
        return selectors.bundles_visible_to(self.request.user)

    def _out(self, bundle: Bundle) -> dict[str, Any]:
        return dict(BundleSerializer(self.get_queryset().get(pk=bundle.pk)).data)

    @extend_schema(
        summary="Place a bundle",
        description="Place an all-or-none bundle in an open session round: legs (market, "
        "side, quantity; one per market) and one limit for the package. Escrows its worst "
        "case: max(limit, 0) credits and the units of each sell leg; refused (409) if you "
        "cannot cover it or the session round is not open. Send an `Idempotency-Key` to "
        "retry safely.",
        parameters=[IDEMPOTENCY],
        request=BundlePlaceSerializer,
        responses={201: BundleSerializer},
        examples=[
            ex.request(
                "Buy GPU-hours, sell tokens",
                {"session_round": 12, "limit": "40.00", "legs": LEGS},
            ),
            ex.response("Placed", BUNDLE),
        ],
    )
    def create(self, request: Request) -> Response:
        data = _valid(BundlePlaceSerializer, request.data)

        def place() -> tuple[int, Any]:
            try:
                bundle = services.bundle_place(
                    user=request.user,
                    session_round_id=data["session_round"],
                    limit=data["limit"],
                    legs=_legs_of(data) or [],
                )
            except MarketError as error:
                return error.status, market_error_body(error)
            return 201, self._out(bundle)

        return respond_once(request, place)

    @extend_schema(
        summary="Change a bundle",
        description="Change an open bundle's limit and/or replace its legs while its session "
        "round is open; the escrow follows (409 if an increase cannot be covered). The "
        "bundle loses its time priority.",
        request=BundleChangeSerializer,
        responses={200: BundleSerializer},
        examples=[
            ex.request("New limit", {"limit": "45.00"}),
            ex.response("Changed", {**BUNDLE, "limit": "45.00"}),
        ],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        bundle = self.get_object()
        data = _valid(BundleChangeSerializer, request.data)
        changed = services.bundle_change(
            user=request.user, bundle_id=bundle.pk, limit=data.get("limit"), legs=_legs_of(data)
        )
        return Response(self._out(changed))

    @extend_schema(
        summary="Cancel a bundle",
        description="Cancel an open bundle while its session round is open; all of its "
        "escrow is released. Cancelling twice is a 409.",
        request=None,
        responses={200: OpenApiResponse(BundleSerializer, "The cancelled bundle.")},
        examples=[ex.response("Cancelled", {**BUNDLE, "state": "cancelled"})],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        bundle = self.get_object()
        cancelled = services.bundle_cancel(user=request.user, bundle_id=bundle.pk)
        return Response(self._out(cancelled))


@extend_schema_view(
    list=extend_schema(
        summary="List session rounds",
        description="Rounds of sessions (markets whose rounds close together), newest "
        "first, each with its markets' rounds; `?state=open` for those taking bundles.",
        examples=[ex.response("Session rounds", ex.page(SESSION_ROUND))],
    ),
    retrieve=extend_schema(
        summary="One session round",
        description="A session round with its markets' rounds and, once cleared, their "
        "prices and volumes.",
        examples=[ex.response("Session round", SESSION_ROUND)],
    ),
)
class SessionRoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionRoundSerializer
    throttle_classes = [AnonRateThrottle, TokenRateThrottle]

    def get_queryset(self) -> Any:
        rounds = selectors.session_rounds_visible().order_by("-opens_at", "-id")
        state = self.request.query_params.get("state", "")
        if state in SessionRound.State.values:
            rounds = rounds.filter(state=state)
        return rounds
