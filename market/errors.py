"""The one domain error type: services raise it, views and the API turn it into a 4xx.

It is the ledger's refusal, so a refused posting (e.g. insufficient funds) reaches the user
through the same handlers as any market refusal.
"""

from ledger.errors import InsufficientFunds, NotAllowed, Refusal

MarketError = Refusal

__all__ = ["InsufficientFunds", "InvalidState", "MarketError", "NotAllowed"]


class InvalidState(MarketError):
    code = "invalid_state"
    status = 409
