"""What a division holds: available and held balances per asset, and the ledger's totals."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from divisions.models import Division
from ledger.models import QUANT, Account, Asset, Entry

CENT = QUANT  # SQLite sums decimals as floats: round back to the ledger's places


@dataclass(frozen=True)
class Holding:
    asset: Asset
    available: Decimal
    held: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.held


def division_holdings(*, division: Division) -> list[Holding]:
    """Available and held balance of every asset the division has an account for (1 query,
    one row per account: the balances are stored, not summed)."""
    accounts = Account.objects.filter(division=division).select_related("asset__window__series")
    assets: dict[int, Asset] = {}
    totals: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for account in accounts:
        assets[account.asset_id] = account.asset
        totals[account.asset_id][account.kind] += account.balance
    holdings = [
        Holding(
            asset=assets[pk],
            available=kinds[Account.Kind.AVAILABLE].quantize(CENT),
            held=kinds[Account.Kind.HELD].quantize(CENT),
        )
        for pk, kinds in totals.items()
    ]
    return sorted(holdings, key=lambda h: (not h.asset.is_credits, h.asset.code))


def asset_totals() -> dict[str, Decimal]:
    """Sum of every entry per asset code: zero for each, always (the double-entry invariant)."""
    rows = Entry.objects.values("account__asset__code").annotate(total=Sum("amount"))
    return {row["account__asset__code"]: row["total"].quantize(CENT) for row in rows}
