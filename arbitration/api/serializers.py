"""What the dispute endpoints send and accept; the limits are the browser forms' limits, and
the services check the rest (who, state, deadlines, file size and type)."""

from typing import Any

from rest_framework import serializers

from market.api.fields import MoneyField
from market.ids import PATTERN

from ..forms import CLAIMABLE
from ..models import Dispute, DisputeEvent, Evidence, Message, Party, Response

MAX_ID = 2**63 - 1


class PartySerializer(serializers.ModelSerializer[Party]):
    class Meta:
        model = Party
        fields = ["division", "role"]


class DisputeSerializer(serializers.ModelSerializer[Dispute]):
    parties = PartySerializer(many=True, read_only=True)
    fill = serializers.CharField(
        source="fill.public_id", read_only=True, allow_null=True, help_text="The fill's id."
    )

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


class DisputeFileSerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A settled round you traded in."
    )
    fill = serializers.RegexField(
        PATTERN, required=False, help_text="One of your division's fills (its public id)."
    )
    subject = serializers.ChoiceField(
        choices=Dispute.Subject.choices, help_text="price (about a round) or fill/delivery."
    )
    category = serializers.ChoiceField(choices=Dispute.Category.choices)
    claimed_remedy = serializers.ChoiceField(choices=CLAIMABLE)
    claimed_amount = MoneyField(help_text='Credits as a decimal string, e.g. "3.00".')
    statement = serializers.CharField(max_length=10000)


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "division",
            "title",
            "text",
            "filename",
            "content_type",
            "size",
            "created_at",
        ]


class EvidenceAddSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    file = serializers.FileField(
        required=False,
        help_text="Up to 5 MB: pdf, png, jpg, txt, csv or json (send multipart/form-data).",
    )


class MessageSerializer(serializers.ModelSerializer[Message]):
    class Meta:
        model = Message
        fields = ["id", "division", "body", "created_at"]


class BodySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=10000)


class ResponseSerializer(serializers.ModelSerializer[Response]):
    class Meta:
        model = Response
        fields = ["id", "division", "body", "created_at"]


class AppealSerializer(serializers.Serializer[Any]):
    why = serializers.CharField(max_length=5000, help_text="Why the ruling should change.")


class WithdrawSerializer(serializers.Serializer[Any]):
    why = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class DisputeEventSerializer(serializers.ModelSerializer[DisputeEvent]):
    by = serializers.CharField(source="by.get_username", allow_null=True, read_only=True)

    class Meta:
        model = DisputeEvent
        fields = ["id", "action", "source", "target", "by", "why", "at"]
