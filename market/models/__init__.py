from .auction import ClearingRule, Fill, Market, Order, Round, Side
from .divisions import Division, Membership
from .ledger import Account, Asset, Entry, LedgerTransaction
from .tokens import ApiToken, IdempotencyRecord, Scope

__all__ = [
    "Account",
    "ApiToken",
    "Asset",
    "ClearingRule",
    "Division",
    "Entry",
    "Fill",
    "IdempotencyRecord",
    "LedgerTransaction",
    "Market",
    "Membership",
    "Order",
    "Round",
    "Scope",
    "Side",
]
