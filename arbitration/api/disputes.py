"""Disputes over the API: what a division lead does in the browser, an agent does here.

Read the disputes your division is party to (all of them for management and auditors), file
one about a round or a fill, add evidence (text or a file, the browser's limits), answer as a
counterparty, post to the thread, appeal, withdraw, and follow the case's history. Every write
calls an arbitration service, which checks who may do it; every POST takes an
`Idempotency-Key`, so a retry never files, adds or answers twice.
"""

from collections.abc import Callable
from typing import Any

import django_filters as filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from market.api import examples as ex
from market.api.errors import market_error_body
from market.api.idempotency import respond_once
from market.api.orders import IDEMPOTENCY
from market.api.parsers import StrictJSONParser
from market.api.schema import ERRORS
from market.errors import MarketError
from market.models import Fill

from .. import services
from ..models import Dispute, Party
from ..selectors import disputes_for
from . import examples as dx
from . import serializers as s


def _valid(serializer_class: type[Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _once(request: Request, run: Callable[[], Any], out: Callable[[Any], Any], ok: int) -> Response:
    """Run one service under the request's Idempotency-Key; refusals are kept and replayed too."""

    def attempt() -> tuple[int, Any]:
        try:
            return ok, out(run())
        except MarketError as error:
            return error.status, market_error_body(error)

    return respond_once(request, attempt)


class DisputeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=Dispute.State.choices)

    class Meta:
        model = Dispute
        fields = ["state", "market", "round"]


def _written(summary: str, description: str, body: Any, answer: Any, examples: list[Any]) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        request=body,
        responses={**answer, 422: ERRORS["422"]},
        examples=examples,
        parameters=[IDEMPOTENCY],
    )


@extend_schema_view(
    list=extend_schema(
        summary="List your disputes",
        description="Disputes your division filed or is a counterparty to, newest first; "
        "management and auditors see all.",
        examples=[ex.response("Disputes", ex.page(dx.DISPUTE))],
    ),
    retrieve=extend_schema(
        summary="One dispute",
        description="A dispute your division is party to: its claim, parties, state and "
        "deadlines. Others' disputes are 404.",
        examples=[ex.response("Dispute", dx.DISPUTE)],
    ),
    create=_written(
        "File a dispute",
        "A division's lead files a dispute about a settled round it traded in (`round`, "
        "subject `price`) or one of its fills (`fill`, subject `fill` or `delivery`). The "
        "counterparties are told and may respond until `response_due`. One open dispute per "
        "round or fill: a second is a 409.",
        s.DisputeFileSerializer,
        {201: s.DisputeSerializer},
        [dx.FILE, dx.FILED],
    ),
)
class DisputeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DisputeSerializer
    filterset_class = DisputeFilter
    lookup_value_regex = "[0-9]+"
    idempotent_create = True

    def get_queryset(self) -> Any:
        parties = Prefetch("parties", queryset=Party.objects.order_by("role", "division_id"))
        return disputes_for(self.request.user).prefetch_related(parties).distinct()

    def _dispute_out(self, dispute: Dispute) -> Any:
        return s.DisputeSerializer(self.get_queryset().get(pk=dispute.pk)).data

    def create(self, request: Request) -> Response:
        data = _valid(s.DisputeFileSerializer, request.data)
        round_id, fill_ref = data.pop("round", None), data.pop("fill", None)
        claim = services.Claim(**data)

        def run() -> Dispute:
            fill_id: int | None = None
            if fill_ref:  # fills are known by their public id (market.ids)
                found = Fill.objects.filter(public_id=fill_ref).values_list("pk", flat=True)
                fill_id = found.first()
                if fill_id is None:
                    raise MarketError(_("Choose the fill this dispute is about."), field="fill")
            return services.dispute_file(
                user=request.user, claim=claim, round_id=round_id, fill_id=fill_id
            )

        return _once(request, run, self._dispute_out, status.HTTP_201_CREATED)

    @_written(
        "Add evidence",
        "A party's lead (or management) adds text or a file to an open case: JSON with "
        "`title` and `text`, or multipart/form-data with `title` and `file` (up to 5 MB: pdf, "
        "png, jpg, txt, csv, json; the content must match the type).",
        {
            "application/json": s.EvidenceAddSerializer,
            "multipart/form-data": s.EvidenceAddSerializer,
        },
        {201: s.EvidenceSerializer},
        [dx.ADD_EVIDENCE, ex.response("Added", dx.EVIDENCE)],
    )
    @action(detail=True, methods=["post"], parser_classes=[StrictJSONParser, MultiPartParser])
    def evidence(self, request: Request, pk: str) -> Response:
        dispute = self.get_object()
        data = _valid(s.EvidenceAddSerializer, request.data)

        def run() -> Any:
            return services.evidence_add(
                dispute_id=dispute.pk,
                user=request.user,
                title=data["title"],
                text=data.get("text", ""),
                upload=data.get("file"),
            )

        return _once(request, run, lambda e: s.EvidenceSerializer(e).data, 201)

    @_written(
        "Respond as a counterparty",
        "A counterparty's lead answers the dispute while it is open (once per division); "
        "when the arbiter was waiting for responses and every counterparty has answered, the "
        "case goes back under review.",
        s.BodySerializer,
        {201: s.ResponseSerializer},
        [
            ex.request("Respond", {"body": "The ask was genuine."}),
            ex.response("On file", dx.RESPONSE),
        ],
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str) -> Response:
        dispute = self.get_object()
        body = _valid(s.BodySerializer, request.data)["body"]

        def run() -> Any:
            return services.response_submit(dispute_id=dispute.pk, user=request.user, body=body)

        return _once(request, run, lambda r: s.ResponseSerializer(r).data, 201)

    @_written(
        "Post to the case's thread",
        "A party's lead or management writes to the others in the case.",
        s.BodySerializer,
        {201: s.MessageSerializer},
        [ex.request("Message", {"body": "Can we settle this?"}), ex.response("Sent", dx.MESSAGE)],
    )
    @action(detail=True, methods=["post"])
    def messages(self, request: Request, pk: str) -> Response:
        dispute = self.get_object()
        body = _valid(s.BodySerializer, request.data)["body"]

        def run() -> Any:
            return services.message_post(dispute_id=dispute.pk, user=request.user, body=body)

        return _once(request, run, lambda m: s.MessageSerializer(m).data, 201)

    @_written(
        "Appeal the ruling",
        "A party's lead appeals a ruling within its appeal window, once per case; a different "
        "arbiter hears it.",
        s.AppealSerializer,
        {200: s.DisputeSerializer},
        [
            ex.request("Appeal", {"why": "The re-pricing ignored our hedge."}),
            ex.response("Appealed", {**dx.DISPUTE, "state": "appealed"}),
        ],
    )
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk: str) -> Response:
        dispute = self.get_object()
        why = _valid(s.AppealSerializer, request.data)["why"]

        def run() -> Dispute:
            return services.dispute_appeal(dispute_id=dispute.pk, by=request.user, why=why)

        return _once(request, run, self._dispute_out, 200)

    @_written(
        "Withdraw the dispute",
        "The filer's lead withdraws the dispute before it is ruled on.",
        s.WithdrawSerializer,
        {200: s.DisputeSerializer},
        [
            ex.request("Withdraw", {"why": "Settled between us."}),
            ex.response("Withdrawn", {**dx.DISPUTE, "state": "withdrawn"}),
        ],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        dispute = self.get_object()
        why = _valid(s.WithdrawSerializer, request.data).get("why", "")

        def run() -> Dispute:
            return services.dispute_withdraw(dispute_id=dispute.pk, by=request.user, why=why)

        return _once(request, run, self._dispute_out, 200)

    @extend_schema(
        summary="The case's history",
        description="Every move of the case, oldest first: who, when, from which state to "
        "which, and why. Your division's event feed (`/api/events/`) announces each one.",
        responses={200: OpenApiResponse(s.DisputeEventSerializer(many=True))},
        examples=[ex.response("History", [dx.HISTORY])],
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def history(self, request: Request, pk: str) -> Response:
        dispute = self.get_object()
        events = dispute.events.select_related("by").order_by("at", "id")
        return Response(s.DisputeEventSerializer(events, many=True).data)
