"""The ledger's invariants, checked by the sequence and concurrency tests after every step."""

from ledger.reconcile import differences
from market.selectors import asset_totals


def assert_ledger_reconciles() -> None:
    """Every account's balance is the sum of its entries, and every asset's entries sum to 0."""
    assert differences() == []
    assert all(total == 0 for total in asset_totals().values())
