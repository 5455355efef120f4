"""Query filters for the API's lists (django-filter); unknown values give a 400, never a 500."""

from datetime import UTC, datetime
from typing import Any

import django_filters as filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField

from divisions.models import Division
from ledger.models import Account, Asset, Entry, LedgerTransaction

from ..models import Fill, Market, Order, Round, Side
from ..selectors.orders import only_open


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601 with any offset, compared in UTC (PostgreSQL refuses offsets past ±15:59)."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(_("Enter a date/time between the years 1 and 9999.")) from None


class UtcIsoDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class MarketFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(
        field_name="asset__kind",
        choices=[(k, label) for k, label in Asset.Kind.choices if k != Asset.Kind.CREDITS],
    )
    halted = filters.BooleanFilter()

    class Meta:
        model = Market
        fields = ["slug", "kind", "halted"]


class RoundFilter(filters.FilterSet):
    market = filters.ModelChoiceFilter(queryset=Market.objects.all())
    state = filters.ChoiceFilter(choices=Round.State.choices)

    class Meta:
        model = Round
        fields = ["market", "state"]


class OrderFilter(filters.FilterSet):
    round = filters.ModelChoiceFilter(queryset=Round.objects.all())
    market = filters.ModelChoiceFilter(field_name="round__market", queryset=Market.objects.all())
    state = filters.ChoiceFilter(choices=Order.State.choices, method="filter_state")
    side = filters.ChoiceFilter(choices=Side.choices)
    division = filters.ModelChoiceFilter(
        queryset=Division.objects.all(), help_text="Management and auditors: one division."
    )

    class Meta:
        model = Order
        fields = ["round", "market", "state", "side", "division"]

    def filter_state(self, queryset: QuerySet[Order], name: str, value: str) -> QuerySet[Order]:
        """Open orders as the pages find them (`only_open`: no index holds an order's state)."""
        if value == Order.State.OPEN:
            return only_open(queryset)
        return queryset.filter(state=value)


class FillFilter(filters.FilterSet):
    round = filters.ModelChoiceFilter(queryset=Round.objects.all())
    market = filters.ModelChoiceFilter(field_name="round__market", queryset=Market.objects.all())
    side = filters.ChoiceFilter(choices=Side.choices)
    division = filters.ModelChoiceFilter(queryset=Division.objects.all())

    class Meta:
        model = Fill
        fields = ["round", "market", "side", "division"]


class LedgerFilter(filters.FilterSet):
    asset = filters.CharFilter(field_name="account__asset__code", help_text='e.g. "credits"')
    account = filters.ChoiceFilter(
        field_name="account__kind", choices=Account.Kind.choices[:2], help_text="available or held"
    )
    reason = filters.ChoiceFilter(
        field_name="transaction__reason", choices=LedgerTransaction.Reason.choices
    )
    since = UtcIsoDateTimeFilter(
        field_name="transaction__created_at", lookup_expr="gte", help_text="From this time on."
    )
    until = UtcIsoDateTimeFilter(
        field_name="transaction__created_at", lookup_expr="lt", help_text="Before this time."
    )
    division = filters.ModelChoiceFilter(
        field_name="account__division", queryset=Division.objects.all()
    )

    class Meta:
        model = Entry
        fields = ["asset", "account", "reason", "since", "until", "division"]
