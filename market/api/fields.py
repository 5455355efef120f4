"""API fields for units and money that read input with `market.parsing`, like the browser does:
quantity a JSON integer (or a string of ASCII digits), prices and amounts decimal strings."""

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..errors import MarketError
from ..parsing import MAX_UNITS, parse_money, parse_units


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_UNITS})
class UnitsField(serializers.Field):
    def to_internal_value(self, data: Any) -> int:
        try:
            return parse_units(data)
        except MarketError as error:
            raise serializers.ValidationError(error.message, code="invalid") from None

    def to_representation(self, value: Any) -> int:
        return int(value)


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"}
)
class MoneyField(serializers.Field):
    def to_internal_value(self, data: Any) -> Decimal:
        try:
            return parse_money(data, field=self.field_name or "amount")
        except MarketError as error:
            raise serializers.ValidationError(error.message, code="invalid") from None

    def to_representation(self, value: Any) -> str:
        return format(value, "f")
