from .divisions import Division, Membership
from .ledger import Account, Asset, Entry, LedgerTransaction

__all__ = [
    "Account",
    "Asset",
    "Division",
    "Entry",
    "LedgerTransaction",
    "Membership",
]
