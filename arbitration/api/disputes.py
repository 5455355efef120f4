"""Disputes, read-only: the cases your division is party to (all of them for management and
auditors). Filing, answering and ruling stay in the browser and the admin."""

from typing import Any

import django_filters as filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from arbitration.models import Dispute, Party
from arbitration.selectors import disputes_for
from market.api import examples as ex

DISPUTE = {
    "id": 12,
    "market": 3,
    "round": 41,
    "fill": 880,
    "subject": "fill",
    "category": "pricing",
    "claimed_remedy": "price_adjustment",
    "claimed_amount": "3.00",
    "statement": "The clearing price was inflated by a fat-finger ask.",
    "filer": 2,
    "parties": [{"division": 2, "role": "filer"}, {"division": 5, "role": "counterparty"}],
    "state": "under_review",
    "filed_at": "2026-11-23T16:10:00Z",
    "response_due": "2026-11-25T16:10:00Z",
    "ruling_due": "2026-11-28T16:10:00Z",
    "appeal_due": None,
    "closed_at": None,
}


class PartySerializer(serializers.ModelSerializer[Party]):
    class Meta:
        model = Party
        fields = ["division", "role"]


class DisputeSerializer(serializers.ModelSerializer[Dispute]):
    parties = PartySerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "market",
            "round",
            "fill",
            "subject",
            "category",
            "claimed_remedy",
            "claimed_amount",
            "statement",
            "filer",
            "parties",
            "state",
            "filed_at",
            "response_due",
            "ruling_due",
            "appeal_due",
            "closed_at",
        ]


class DisputeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=Dispute.State.choices)

    class Meta:
        model = Dispute
        fields = ["state", "market", "round"]


@extend_schema_view(
    list=extend_schema(
        summary="List your disputes",
        description="Disputes your division filed or is a counterparty to, newest first; "
        "management and auditors see all. Read-only: file and answer disputes in the browser.",
        examples=[ex.response("Disputes", ex.page(DISPUTE))],
    ),
    retrieve=extend_schema(
        summary="One dispute",
        description="A dispute your division is party to: its claim, parties, state and "
        "deadlines. Others' disputes are 404.",
        examples=[ex.response("Dispute", DISPUTE)],
    ),
)
class DisputeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        parties = Prefetch("parties", queryset=Party.objects.order_by("role", "division_id"))
        return disputes_for(self.request.user).prefetch_related(parties).distinct()
