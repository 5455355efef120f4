"""The ledger's invariants, checked by the sequence and concurrency tests after every step."""

from ledger.reconcile import differences
from market.models import Order
from market.selectors import asset_totals
from market.selectors.orders import LIVE_ROUNDS


def assert_ledger_reconciles() -> None:
    """Every account's balance is the sum of its entries, and every asset's entries sum to 0;
    and every open order is in a round that can hold one, which `open_orders` relies on."""
    assert differences() == []
    assert all(total == 0 for total in asset_totals().values())
    stray = Order.objects.filter(state=Order.State.OPEN).exclude(round__state__in=LIVE_ROUNDS)
    assert not stray.exists(), list(stray.values_list("public_id", "round__state"))
