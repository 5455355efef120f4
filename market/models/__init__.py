from .auction import ClearingRule, Fill, Market, Order, Round, Side
from .divisions import Division, Membership
from .ledger import Account, Asset, Entry, LedgerTransaction

__all__ = [
    "Account",
    "Asset",
    "ClearingRule",
    "Division",
    "Entry",
    "Fill",
    "LedgerTransaction",
    "Market",
    "Membership",
    "Order",
    "Round",
    "Side",
]
