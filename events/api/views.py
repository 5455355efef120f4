"""The event feed (`GET /api/events/`) and a division's webhooks: thin views over the
selectors and services of this app."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..errors import EventsError
from . import serializers as s
from .examples import DELIVERY, FEED, SUBSCRIPTION, example

BAD_QUERY = OpenApiResponse(
    s.ProblemSerializer,
    description="A malformed cursor, kind, division or limit: per-field messages in `errors`.",
    examples=[
        example(
            "Bad cursor",
            {
                "detail": "Invalid input. after: Not a cursor: send back the `cursor` of the "
                "last page.",
                "code": "invalid",
                "errors": {"after": ["Not a cursor: send back the `cursor` of the last page."]},
            },
        )
    ],
)


class Refused(exceptions.APIException):
    def __init__(self, error: EventsError) -> None:
        super().__init__(error.message, error.code)
        self.status_code = error.status


def as_api_error(exc: Exception) -> Exception:
    """This app's refusals in the API's usual JSON error shape."""
    if not isinstance(exc, EventsError):
        return exc
    if exc.status == 400 and exc.field:
        return exceptions.ValidationError({exc.field: [exc.message]})
    return Refused(exc)


class EventsApiMixin:
    def handle_exception(self, exc: Exception) -> Response:
        return super().handle_exception(as_api_error(exc))  # type: ignore[misc]


@extend_schema(
    summary="Your division's events",
    description="What happened to your division's orders, rounds and disputes, oldest first, "
    "in the order the changes committed: `order.filled`, `round.settled`, `dispute.changed`. "
    "Poll with `after` set to the last page's `cursor`: no event is ever skipped, even one "
    "whose transaction commits late. Webhooks push the same events; this feed is the source of "
    "truth, so a missed webhook is never a lost event. Management and auditors see every "
    "division's (narrow with `division`).",
    parameters=[s.FeedQuerySerializer],
    responses={200: s.FeedSerializer, 400: BAD_QUERY},
    examples=[example("Feed", FEED)],
)
class EventFeedView(EventsApiMixin, APIView):
    def get(self, request: Request) -> Response:
        query = s.FeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = selectors.events_feed(
            user=request.user,
            after=query.validated_data.get("after", ""),
            kind=query.validated_data.get("kind", ""),
            division_id=query.validated_data.get("division"),
            limit=query.validated_data["limit"],
        )
        body = {"results": page.events, "cursor": page.cursor, "has_more": page.has_more}
        return Response(s.FeedSerializer(body).data)


@extend_schema_view(
    list=extend_schema(
        summary="Your division's webhooks",
        description="Endpoints your division subscribed; management and auditors see all.",
        examples=[
            example(
                "Webhooks", {"count": 1, "next": None, "previous": None, "results": [SUBSCRIPTION]}
            )
        ],
    ),
    retrieve=extend_schema(summary="One webhook", examples=[example("Webhook", SUBSCRIPTION)]),
    create=extend_schema(
        summary="Subscribe an endpoint",
        description="A division's lead subscribes an https:// endpoint to its events (all "
        "kinds, or those in `kinds`). Each delivery is a POST of one event, signed as Standard "
        "Webhooks do: `webhook-id` (the same on every retry), `webhook-timestamp`, and "
        "`webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the `secret`, "
        "which this response shows once. Failed deliveries are retried with exponential "
        "backoff (10 s, 20 s, 40 s … up to 8 attempts); every attempt is listed under "
        "`deliveries`. Subscribing the same endpoint twice is a 409, so a retry is safe.",
        request=s.SubscriptionCreateSerializer,
        responses={201: s.SubscriptionCreatedSerializer},
        examples=[
            OpenApiExample(
                "Subscribe",
                {"url": "https://bots.example.com/tokenhub", "kinds": []},
                request_only=True,
            ),
            example("Subscribed", {**SUBSCRIPTION, "secret": "whsec_q2Zs…"}),
        ],
    ),
)
class SubscriptionViewSet(
    EventsApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.SubscriptionSerializer
    filterset_class = None
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return selectors.subscriptions_for(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.SubscriptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(
            user=request.user,
            url=data.validated_data["url"],
            kinds=data.validated_data.get("kinds", []),
        )
        body = s.SubscriptionCreatedSerializer(subscription).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a webhook",
        description="Stop sending to this endpoint; its pending deliveries are cancelled (the "
        "events stay in the feed). The division's lead or management; ending twice is a no-op.",
        request=None,
        responses={200: s.SubscriptionSerializer},
        examples=[example("Ended", {**SUBSCRIPTION, "active": False})],
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        subscription = self.get_object()
        ended = services.subscription_end(user=request.user, subscription_id=subscription.pk)
        return Response(s.SubscriptionSerializer(ended).data)

    @extend_schema(
        summary="A webhook's deliveries and their attempts",
        description="Newest first: each event sent to this endpoint, its state (pending, "
        "delivered, failed, cancelled), the next attempt's time and every attempt's HTTP "
        "status, error and duration.",
        parameters=[OpenApiParameter("page", int)],
        responses={200: s.DeliverySerializer(many=True)},
        examples=[
            example(
                "Deliveries", {"count": 1, "next": None, "previous": None, "results": [DELIVERY]}
            )
        ],
    )
    @action(detail=True, serializer_class=s.DeliverySerializer)
    def deliveries(self, request: Request, pk: str) -> Response:
        subscription = self.get_object()
        deliveries = selectors.deliveries_of(user=request.user, subscription_id=subscription.pk)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(s.DeliverySerializer(page, many=True).data)
