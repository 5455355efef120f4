"""The chain's API shapes: strict input (ints for units, Decimal strings for money)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import RevenueRecord, RevenueShare
from ..selectors import WindowReport


class StrictInt(serializers.IntegerField):
    """Whole units as a JSON integer: "5", 5.0 and true are refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class UsageIn(serializers.Serializer[Any]):
    external_id = serializers.CharField(
        max_length=200, help_text=_("Makes the record exactly-once.")
    )
    division = serializers.SlugField(max_length=50, help_text=_("The division's slug."))
    window = serializers.SlugField(max_length=80, help_text=_("The window asset's code."))
    units = StrictInt(min_value=1, max_value=10**12)
    used_at = serializers.DateTimeField()


class UsageBatchIn(serializers.Serializer[Any]):
    records = serializers.ListField(child=UsageIn(), allow_empty=False, max_length=1000)


class UsageOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    consumed = serializers.IntegerField()
    overage = serializers.IntegerField()
    charge = serializers.DecimalField(max_digits=20, decimal_places=2)
    paid = serializers.DecimalField(max_digits=20, decimal_places=2)
    replayed = serializers.BooleanField()


class UsageBatchOut(serializers.Serializer[Any]):
    records = UsageOut(many=True)


class WindowOut(serializers.Serializer[Any]):
    """A delivery window with what the caller's division did with it."""

    id = serializers.IntegerField(source="window.pk")
    name = serializers.CharField(source="window.asset.name")
    asset = serializers.CharField(source="window.asset.code")
    market = serializers.IntegerField(source="window.market_id")
    starts_at = serializers.DateTimeField(source="window.starts_at")
    ends_at = serializers.DateTimeField(source="window.ends_at")
    gate_closes_at = serializers.DateTimeField(source="window.gate_closes_at")
    expired = serializers.SerializerMethodField()
    minted = serializers.IntegerField()
    bought = serializers.IntegerField()
    sold = serializers.IntegerField()
    consumed = serializers.IntegerField()
    expired_units = serializers.IntegerField(source="expired")
    overage = serializers.IntegerField()
    charge = serializers.DecimalField(max_digits=20, decimal_places=2)
    utilisation = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text=_("Percent consumed.")
    )

    def get_expired(self, report: WindowReport) -> bool:
        return report.window.expired_at is not None


class RevenueIn(serializers.Serializer[Any]):
    division = serializers.SlugField(max_length=50, help_text=_("The earning division's slug."))
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    currency = serializers.RegexField(r"^[A-Z]{3}\Z", help_text=_("e.g. USD"))
    source = serializers.CharField(max_length=120)  # type: ignore[assignment]
    reference = serializers.CharField(max_length=120, help_text=_("Idempotent per division."))


class ShareOut(serializers.ModelSerializer[RevenueShare]):
    division = serializers.CharField(source="division.slug", read_only=True)
    transaction = serializers.IntegerField(source="transaction_id")

    class Meta:
        model = RevenueShare
        fields = ["division", "amount", "transaction", "why"]


class RevenueOut(serializers.ModelSerializer[RevenueRecord]):
    division = serializers.CharField(source="division.slug", read_only=True)
    shares = ShareOut(many=True, read_only=True)

    class Meta:
        model = RevenueRecord
        fields = [
            "id", "division", "period_start", "period_end", "amount", "currency", "rate",
            "credits", "source", "reference", "recorded_at", "shared_at", "shares",
        ]  # fmt: skip
