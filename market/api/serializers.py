"""What the API sends and accepts. Output serializers only read; input ones only check shape.

Decimals travel as strings ("2.35"); prices and amounts are credits, quantities whole units.
The services check everything else (tick grid, floor and cap, funds, round state).
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.models import Asset, Entry

from ..models import Fill, Market, Order, Round, Side
from ..selectors.outcomes import facts_of, round_lines
from .fields import MoneyField, UnitsField
from .outcomes import fill_outcome, outcome_field, outcome_of, outcome_schema

MAX_ID = 2**63 - 1


class AssetSerializer(serializers.ModelSerializer[Asset]):
    unit = serializers.CharField(read_only=True, help_text="credits, GPU-hours or M tokens")

    class Meta:
        model = Asset
        fields = [
            "code",
            "name",
            "kind",
            "unit",
            "gpu_type",
            "pool",
            "model_name",
            "delivery_start",
            "delivery_end",
        ]


class RoundBriefSerializer(serializers.ModelSerializer[Round]):
    class Meta:
        model = Round
        fields = ["id", "number", "state", "opens_at", "closes_at"]


class MarketSerializer(serializers.ModelSerializer[Market]):
    asset = AssetSerializer(read_only=True)
    upcoming_round = serializers.SerializerMethodField(
        help_text="The round open for orders now, or the next one scheduled; null when halted."
    )

    class Meta:
        model = Market
        fields = [
            "id",
            "slug",
            "name",
            "asset",
            "tick",
            "floor",
            "cap",
            "rule",
            "round_minutes",
            "gap_minutes",
            "halted",
            "halt_reason",
            "upcoming_round",
        ]

    @extend_schema_field(RoundBriefSerializer(allow_null=True))
    def get_upcoming_round(self, market: Market) -> dict[str, Any] | None:
        upcoming = getattr(market, "upcoming_rounds", None)
        if upcoming is None:
            upcoming = list(market.rounds.filter(state__in=("scheduled", "open")))
        return RoundBriefSerializer(upcoming[0]).data if upcoming else None


class RoundSerializer(serializers.ModelSerializer[Round]):
    class Meta:
        model = Round
        fields = [
            "id",
            "market",
            "number",
            "state",
            "opens_at",
            "closes_at",
            "tick",
            "floor",
            "cap",
            "rule",
            "price",
            "volume",
            "cleared_at",
            "settled_at",
        ]


class CurvePointSerializer(serializers.Serializer[Any]):
    price = serializers.DecimalField(max_digits=20, decimal_places=2)
    units = serializers.IntegerField(
        help_text="Cumulative units bid at ≥ price (demand) or asked at ≤ price (supply)."
    )


def _curve(points: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"price": str(price), "units": int(units)} for price, units in points]


class RoundResultSerializer(serializers.ModelSerializer[Round]):
    """A cleared round's public result: the aggregate, never anyone's orders."""

    round = serializers.IntegerField(source="id", read_only=True)
    demand = serializers.SerializerMethodField(help_text="Sorted by price, highest first.")
    supply = serializers.SerializerMethodField(help_text="Sorted by price, lowest first.")

    class Meta:
        model = Round
        fields = [
            "round",
            "market",
            "number",
            "state",
            "rule",
            "price",
            "price_low",
            "price_high",
            "volume",
            "demand",
            "supply",
            "cleared_at",
            "settled_at",
        ]
        extra_kwargs = {
            "price_low": {"help_text": "Lower end of the clearing interval (marginal price)."},
            "price_high": {"help_text": "Upper end of the clearing interval (marginal price)."},
        }

    @extend_schema_field(CurvePointSerializer(many=True))
    def get_demand(self, round_: Round) -> list[dict[str, Any]]:
        return _curve(round_.demand)

    @extend_schema_field(CurvePointSerializer(many=True))
    def get_supply(self, round_: Round) -> list[dict[str, Any]]:
        return _curve(round_.supply)


class OrderFillSerializer(serializers.ModelSerializer[Fill]):
    class Meta:
        model = Fill
        fields = ["quantity", "price", "amount"]


PUBLIC_ID_HELP = "An opaque id (16 characters): ids reveal nothing about other divisions' activity."


class OrderSerializer(serializers.ModelSerializer[Order]):
    id = serializers.CharField(source="public_id", read_only=True, help_text=PUBLIC_ID_HELP)
    market = serializers.IntegerField(source="round.market_id", read_only=True)
    placed_by = serializers.CharField(source="placed_by.get_username", read_only=True)
    fill = OrderFillSerializer(read_only=True, allow_null=True, help_text="Null until filled.")
    outcome = outcome_field()

    class Meta:
        model = Order
        fields = [
            "id",
            "round",
            "market",
            "division",
            "side",
            "quantity",
            "limit",
            "state",
            "placed_by",
            "created_at",
            "updated_at",
            "fill",
            "outcome",
        ]

    @outcome_schema
    def get_outcome(self, order: Order) -> dict[str, Any]:
        return outcome_of(order)


class RoundOutcomeSerializer(RoundResultSerializer):
    """The public result, how the price was set, and the caller's own orders with outcomes."""

    lines = serializers.SerializerMethodField(
        help_text="How the price was set, in words: the round page's explanation."
    )
    orders = serializers.SerializerMethodField(
        help_text="Your division's orders in this round, each with its outcome (sealed bids: "
        "never anyone else's; empty for management and auditors)."
    )

    class Meta(RoundResultSerializer.Meta):
        fields = [*RoundResultSerializer.Meta.fields, "lines", "orders"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_lines(self, round_: Round) -> list[str]:
        return round_lines(facts_of(round_))

    @extend_schema_field(OrderSerializer(many=True))
    def get_orders(self, round_: Round) -> list[Any]:
        return list(OrderSerializer(self.context.get("orders", []), many=True).data)


class OrderPlaceSerializer(serializers.Serializer[Any]):
    round = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="An open round's id.")
    side = serializers.ChoiceField(choices=Side.choices, help_text="buy (bid) or sell (ask)")
    quantity = UnitsField(help_text="Whole units.")
    limit = MoneyField(
        help_text='Credits per unit as a decimal string ("2.35"), on the round\'s tick grid, '
        "within its floor and cap.",
    )


class OrderChangeSerializer(serializers.Serializer[Any]):
    quantity = UnitsField(required=False)
    limit = MoneyField(required=False)


class FillSerializer(serializers.ModelSerializer[Fill]):
    id = serializers.CharField(source="public_id", read_only=True, help_text=PUBLIC_ID_HELP)
    order = serializers.CharField(source="order.public_id", read_only=True)
    market = serializers.IntegerField(source="round.market_id", read_only=True)
    outcome = outcome_field()

    class Meta:
        model = Fill
        fields = [
            "id",
            "order",
            "round",
            "market",
            "division",
            "side",
            "quantity",
            "price",
            "amount",
            "outcome",
        ]

    @outcome_schema
    def get_outcome(self, fill: Fill) -> dict[str, Any]:
        return fill_outcome(fill)


class LedgerEntrySerializer(serializers.ModelSerializer[Entry]):
    transaction = serializers.UUIDField(
        source="transaction.public_id",
        read_only=True,
        help_text="The transaction's public id (opaque: it says nothing about others' activity).",
    )
    created_at = serializers.DateTimeField(source="transaction.created_at", read_only=True)
    reason = serializers.CharField(source="transaction.reason", read_only=True)
    memo = serializers.CharField(source="transaction.memo", read_only=True)
    division = serializers.IntegerField(source="account.division_id", read_only=True)
    asset = serializers.CharField(source="account.asset.code", read_only=True)
    account = serializers.CharField(
        source="account.kind", read_only=True, help_text="available or held (escrow)"
    )
    balance = serializers.DecimalField(
        max_digits=30,
        decimal_places=2,
        read_only=True,
        help_text="The account's balance after this entry.",
    )
    reference = serializers.SerializerMethodField(
        help_text='What caused it, e.g. "order:3k9xq2m7tb4wz8pa" or "round:41".'
    )

    class Meta:
        model = Entry
        fields = [  # no entry id: a sequence would count other divisions' entries in between
            "transaction",
            "created_at",
            "reason",
            "memo",
            "division",
            "asset",
            "account",
            "amount",
            "balance",
            "reference",
        ]

    def get_reference(self, entry: Entry) -> str | None:
        txn = entry.transaction
        if txn.reference_type_id is None:
            return None
        kind = ContentType.objects.get_for_id(txn.reference_type_id).model
        if kind == "order":  # orders are known by their opaque public id
            return f"order:{getattr(entry, 'order_public_id', '')}"
        return f"{kind}:{txn.reference_id}"


class HoldingSerializer(serializers.Serializer[Any]):
    division = serializers.IntegerField(source="division.pk")
    division_name = serializers.CharField(source="division.name")
    asset = serializers.CharField(source="asset.code")
    asset_name = serializers.CharField(source="asset.name")
    unit = serializers.CharField(source="asset.unit")
    available = serializers.DecimalField(max_digits=30, decimal_places=2)
    held = serializers.DecimalField(max_digits=30, decimal_places=2, help_text="In escrow.")
    total = serializers.DecimalField(max_digits=30, decimal_places=2)


class HoldingsQuerySerializer(serializers.Serializer[Any]):
    division = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class DivisionBriefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class TokenBriefSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField(), source="scope_list")


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    division = DivisionBriefSerializer(allow_null=True)
    role = serializers.CharField(allow_null=True, help_text="lead, member, or null")
    may_trade = serializers.BooleanField()
    management = serializers.BooleanField()
    auditor = serializers.BooleanField()
    token = TokenBriefSerializer(allow_null=True, help_text="Null when signed in by session.")
