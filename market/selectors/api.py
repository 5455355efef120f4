"""Reads for the REST API: what each user may see, in a fixed number of queries per page.

Sealed bids: a division sees only its own orders and fills, before and after clearing; the
public result of a round is its aggregate (price, volume, curves). Management and auditors
see everything.
"""

import hmac
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from divisions.models import Division
from ledger.models import Account, Asset, Entry

from .. import roles
from ..models import ApiToken, Fill, Market, Order, Round
from ..services.tokens import SECRET_START, token_hash
from .holdings import CENT

UPCOMING = (Round.State.SCHEDULED, Round.State.OPEN)


def markets_for_api() -> QuerySet[Market]:
    upcoming = Round.objects.filter(state__in=UPCOMING).order_by("number")
    return Market.objects.select_related("asset").prefetch_related(
        Prefetch("rounds", queryset=upcoming, to_attr="upcoming_rounds")
    )


def rounds_for_api() -> QuerySet[Round]:
    return Round.objects.select_related("market").order_by("-opens_at", "-id")


def _own(user: Any, queryset: QuerySet[Any], field: str = "division") -> QuerySet[Any]:
    if roles.sees_everything(user):
        return queryset
    division = roles.division_of(user)
    return queryset.filter(**{field: division}) if division else queryset.none()


def orders_visible_to(user: Any) -> QuerySet[Order]:
    """The user's division's orders (all orders for management and auditors)."""
    orders = Order.objects.select_related("round", "fill", "placed_by")
    return _own(user, orders)


def fills_visible_to(user: Any) -> QuerySet[Fill]:
    fills = Fill.objects.select_related("round", "order").order_by("-round_id", "id")
    return _own(user, fills)


def ledger_visible_to(user: Any) -> QuerySet[Entry]:
    """Division entries, newest first, each with its account's balance after it (stored on the
    entry when it was posted, so a page reads its own rows whatever the filters)."""
    # Read only when the reference is an order: orders are shown by their opaque public id.
    order_of_reference = Order.objects.filter(pk=OuterRef("transaction__reference_id")).values(
        "public_id"
    )[:1]
    entries = (
        Entry.objects.filter(account__division__isnull=False)
        .select_related("transaction", "account__asset")
        .annotate(balance=F("balance_after"))
        .annotate(order_public_id=Subquery(order_of_reference))
        .order_by("-id")
    )
    return _own(user, entries, "account__division")


@dataclass(frozen=True)
class DivisionHolding:
    division: Division
    asset: Asset
    available: Decimal
    held: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.held


def holdings_visible_to(user: Any, *, division_id: int | None = None) -> list[DivisionHolding]:
    """Available and held balance per division and asset the user may see (2 queries)."""
    accounts = _own(user, Account.objects.all(), "division").filter(division__isnull=False)
    if division_id is not None:
        accounts = accounts.filter(division_id=division_id)
    rows = accounts.values("division", "asset", "kind", "balance")
    totals: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        totals[(row["division"], row["asset"])][row["kind"]] += row["balance"]
    divisions = Division.objects.in_bulk({d for d, _ in totals})
    assets = Asset.objects.in_bulk({a for _, a in totals})
    holdings = [
        DivisionHolding(
            division=divisions[d],
            asset=assets[a],
            available=kinds[Account.Kind.AVAILABLE].quantize(CENT),
            held=kinds[Account.Kind.HELD].quantize(CENT),
        )
        for (d, a), kinds in totals.items()
    ]
    return sorted(holdings, key=lambda h: (h.division.name, not h.asset.is_credits, h.asset.code))


def token_by_secret(secret: str) -> ApiToken | None:
    """The token a secret belongs to (revoked or not), compared in constant time."""
    parts = secret.split("_")
    if not secret.startswith(SECRET_START) or len(parts) < 3:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, token_hash(secret)):
        return None
    return token


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")
