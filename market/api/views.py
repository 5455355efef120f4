"""Read endpoints: markets, rounds and their public results, fills, ledger, holdings, me.

Thin: each view picks a selector (which already limits rows to what the user may see),
filters, pages and serialises.
"""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import roles
from ..errors import InvalidState
from ..ids import PATTERN
from ..models import ApiToken, Round
from ..selectors import api as selectors
from . import examples as ex
from . import filters, serializers
from .schema import error_response

SEALED = " Sealed bids: a division sees only its own; management and auditors see all."
NOT_CLEARED = error_response(
    "The round has not cleared yet.",
    "Round 7 of H100 eu-west is open: its result is published once it clears.",
    "invalid_state",
)


@extend_schema_view(
    list=extend_schema(
        summary="List markets",
        description="Every market with its rules and the round open (or next) for orders.",
        examples=[ex.response("Markets", ex.page(ex.MARKET))],
    ),
    retrieve=extend_schema(
        summary="One market",
        description="A market's rules (tick, floor, cap, clearing rule) and its upcoming round.",
        examples=[ex.response("Market", ex.MARKET)],
    ),
)
class MarketViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.MarketSerializer
    filterset_class = filters.MarketFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return selectors.markets_for_api()


@extend_schema_view(
    list=extend_schema(
        summary="List rounds",
        description="Rounds of every market, newest first; filter by market and state. "
        "`price` and `volume` are set once a round has cleared.",
        examples=[ex.response("Rounds", ex.page(ex.ROUND))],
    ),
    retrieve=extend_schema(
        summary="One round",
        description="A round's schedule and the rules it trades under.",
        examples=[ex.response("Round", ex.ROUND)],
    ),
)
class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.RoundSerializer
    filterset_class = filters.RoundFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return selectors.rounds_for_api()

    @extend_schema(
        summary="A round's public result",
        description="Clearing price, the clearing interval's ends (the marginal prices), "
        "volume and the aggregate demand and supply curves; public to every signed-in user "
        "once the round has cleared (409 before); how the price was set, in words; and your "
        "division's own orders in the round with their outcomes (never anyone else's).",
        responses={200: serializers.RoundOutcomeSerializer, 409: NOT_CLEARED},
        examples=[ex.response("Result", ex.RESULT)],
    )
    @action(detail=True, filterset_class=None)
    def result(self, request: Request, pk: str) -> Response:
        round_ = self.get_object()
        if round_.state not in (Round.State.CLEARED, Round.State.SETTLED):
            raise InvalidState(
                _(
                    "Round %(number)s of %(market)s is %(state)s: its result is published once "
                    "it clears."
                )
                % {
                    "number": round_.number,
                    "market": round_.market,
                    "state": round_.get_state_display().lower(),
                }
            )
        division = roles.division_of(request.user)
        mine = selectors.orders_visible_to(request.user).filter(round=round_, division=division)
        context = {"orders": mine.order_by("pk") if division else []}
        return Response(serializers.RoundOutcomeSerializer(round_, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary="List fills",
        description="The units each order got at its round's price." + SEALED,
        examples=[ex.response("Fills", ex.page(ex.FILL))],
    ),
    retrieve=extend_schema(
        summary="One fill",
        description="One of your division's fills." + SEALED,
        examples=[ex.response("Fill", ex.FILL)],
    ),
)
class FillViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FillSerializer
    filterset_class = filters.FillFilter
    lookup_field, lookup_url_kwarg, lookup_value_regex = "public_id", "pk", PATTERN

    def get_queryset(self) -> Any:
        return selectors.fills_visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Ledger statement",
        description="Your division's ledger entries, newest first, each with its account's "
        "balance after it; filter by asset, account (available or held), reason and time. "
        "Management and auditors see every division's.",
        examples=[ex.response("Statement", ex.page(ex.ENTRY))],
    ),
)
class LedgerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.LedgerEntrySerializer
    filterset_class = filters.LedgerFilter

    def get_queryset(self) -> Any:
        return selectors.ledger_visible_to(self.request.user)


@extend_schema(
    summary="Holdings and balances",
    description="Available and held (escrowed) balance of credits and every resource, per "
    "division. Yours only; management and auditors see all (narrow with `division`).",
    parameters=[OpenApiParameter("division", int, description="One division's id.")],
    examples=[ex.response("Holdings", ex.page(ex.HOLDING))],
)
class HoldingsView(generics.ListAPIView):
    serializer_class = serializers.HoldingSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        query = serializers.HoldingsQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        division_id = query.validated_data.get("division")
        return selectors.holdings_visible_to(self.request.user, division_id=division_id)


@extend_schema(
    summary="Who am I",
    description="The signed-in user (or the token's user): division, role, trade rights, "
    "and the token's scopes.",
    responses={200: serializers.MeSerializer},
    examples=[ex.response("A member's bot", ex.ME)],
)
class MeView(APIView):
    def get(self, request: Request) -> Response:
        user = request.user
        membership = roles.membership_of(user)
        division = membership.division if membership else None
        token = request.auth if isinstance(request.auth, ApiToken) else None
        me = {
            "username": user.get_username(),
            "division": division
            and {"id": division.pk, "name": division.name, "slug": division.slug},
            "role": membership.role if membership else None,
            "may_trade": bool(membership and membership.can_trade),
            "management": roles.is_management(user),
            "auditor": roles.is_auditor(user),
            "token": token,
        }
        return Response(serializers.MeSerializer(me).data)
