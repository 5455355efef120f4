"""What the feed and webhook endpoints send and accept."""

from typing import Any

from rest_framework import serializers

from ..models import Attempt, Delivery, Event, Subscription
from ..selectors import event_payload


class ProblemSerializer(serializers.Serializer[Any]):
    """The API's error shape (as every app's): detail, code, per-field errors."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class SubjectSerializer(serializers.Serializer[Any]):
    type = serializers.CharField(help_text="order, round or dispute")
    id = serializers.CharField(
        help_text="An order's opaque public id; a round's or dispute's number id as text."
    )


class EventSerializer(serializers.Serializer[Any]):
    """An event as the feed lists it and a webhook POSTs it: the same object."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    division = serializers.IntegerField(
        allow_null=True, help_text="Null: an event for management and auditors (health.alert)."
    )
    subject = SubjectSerializer()
    data = serializers.DictField(  # type: ignore[assignment]
        help_text="The facts of the change (ids, states, amounts)."
    )
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return event_payload(instance)


class FeedSerializer(serializers.Serializer[Any]):
    results = EventSerializer(many=True)
    cursor = serializers.CharField(
        allow_null=True,
        help_text="Send it back as `after` for the events that follow; null before any event.",
    )
    has_more = serializers.BooleanField(help_text="True: ask again at once with `after`.")


class FeedQuerySerializer(serializers.Serializer[Any]):
    after = serializers.CharField(required=False, max_length=40, help_text="A previous `cursor`.")
    kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
    division = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Management and auditors."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=500, default=100)


class SubscriptionSerializer(serializers.ModelSerializer[Subscription]):
    class Meta:
        model = Subscription
        fields = ["id", "division", "url", "kinds", "active", "created_at", "deactivated_at"]


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        help_text="Shown once: verify each delivery's `webhook-signature` with it."
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class SubscriptionCreateSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=500, help_text="https:// only.")
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.Kind.choices),
        required=False,
        max_length=10,
        help_text="Only these kinds; empty or missing: every kind.",
    )


class AttemptSerializer(serializers.ModelSerializer[Attempt]):
    class Meta:
        model = Attempt
        fields = ["number", "at", "status_code", "error", "duration_ms"]


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    attempt_log = AttemptSerializer(many=True, read_only=True)
    kind = serializers.CharField(source="event.kind", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "kind",
            "state",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "attempt_log",
        ]
