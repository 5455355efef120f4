"""The chain's API: usage from the platform (meter scope), windows, external revenue."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from divisions.models import Division
from market import roles
from market.api.throttling import AnonRateThrottle, TokenRateThrottle
from market.errors import MarketError, NotAllowed
from market.models import Scope

from .. import selectors
from ..errors import UsageRefused
from ..services import revenue, usage
from . import serializers as s


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class UsageView(APIView):
    """POST a batch of usage records; a platform account's token with the `meter` scope."""

    token_scope = Scope.METER
    throttle_classes = [AnonRateThrottle, TokenRateThrottle]

    @extend_schema(
        summary="Report usage (platform only)",
        description="A batch of up to 1,000 usage records, booked all or none. Each record "
        "consumes units of the division's holdings of the window; units beyond them are "
        "overage, charged in credits. A record whose `external_id` was booked before is "
        "replayed (`replayed: true`), never booked twice. 201 when something new was booked, "
        "200 when every record was replayed; 422 with per-record errors (`records.<i>`) books "
        "nothing: `errors` has a message per bad record, `codes` a stable code per bad record: "
        "`duplicate_in_batch`, `unknown_division`, `unknown_window`, `used_in_future` (the "
        "usage time is more than a minute ahead of the server's clock), `used_before_window`, "
        "`used_after_window` (outside the window's delivery), `window_closed` (reported after "
        "the window's end plus the series' grace period for late reports, or after its "
        "expiry), `external_id_conflict` (booked before with other values), `batch_size`. A "
        "record booked before is replayed even after its window closed.",
        request=s.UsageBatchIn,
        responses={200: s.UsageBatchOut, 201: s.UsageBatchOut},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.UsageBatchIn, request.data)
        records = [usage.UsageInput(**r) for r in data["records"]]
        try:
            outcomes = usage.usage_batch_record(by=request.user, records=records)
        except UsageRefused as refused:
            errors = {f"records.{i}": [m] for i, m in sorted(refused.errors.items())}
            codes = {f"records.{i}": c for i, c in sorted(refused.codes.items())}
            body = {"detail": refused.message, "code": refused.code, "errors": errors}
            body["codes"] = codes
            return Response(body, status=refused.status)
        out = [
            {**{f: getattr(o.record, f) for f in ("id", "external_id", "consumed", "overage",
                                                   "charge", "paid")}, "replayed": o.replayed}
            for o in outcomes
        ]  # fmt: skip
        status = 200 if all(o.replayed for o in outcomes) else 201
        return Response(s.UsageBatchOut({"records": out}).data, status=status)


class WindowsView(APIView):
    """Recent and upcoming delivery windows, with what your division did with each."""

    @extend_schema(
        summary="Delivery windows and your use of them",
        description="Windows of the last 14 days and those listed ahead: dates, gate closure, "
        "market, and for your division units minted, bought, sold, consumed, expired, "
        "overage and utilisation (consumed ÷ held, percent).",
        responses={200: s.WindowOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        division = roles.division_of(request.user)
        if division is None:
            raise NotAllowed(_("Windows are reported per division; you belong to none."))
        reports = selectors.window_reports(division_id=division.pk)
        return Response(s.WindowOut(reports, many=True).data)


class RevenueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """External revenue your division earned or shares in, with every share and why."""

    serializer_class = s.RevenueOut
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return selectors.revenue_visible(self.request.user)

    @extend_schema(
        summary="Record external revenue",
        description="The earning division's lead (or management) books revenue for a period; "
        "it is converted at management's rate and shared along the chain at once. Idempotent "
        "by `reference` per division: a repeat returns the first record with 200; the same "
        "reference with other values is a 409.",
        request=s.RevenueIn,
        responses={200: s.RevenueOut, 201: s.RevenueOut},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.RevenueIn, request.data)
        division = Division.objects.filter(slug=data.pop("division")).first()
        if division is None:
            raise MarketError(_("There is no such division."), field="division")
        record, replayed = revenue.revenue_record(
            by=request.user, data=revenue.RevenueInput(division_id=division.pk, **data)
        )
        body = s.RevenueOut(self.get_queryset().get(pk=record.pk)).data
        return Response(body, status=200 if replayed else 201)
