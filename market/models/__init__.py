from .auction import ClearingRule, Fill, Market, Order, Round, Side
from .bundles import Bundle, BundleFill, BundleLeg
from .divisions import Membership
from .sessions import Session, SessionRound
from .tokens import ApiToken, IdempotencyRecord, Scope

__all__ = [
    "ApiToken",
    "Bundle",
    "BundleFill",
    "BundleLeg",
    "ClearingRule",
    "Fill",
    "IdempotencyRecord",
    "Market",
    "Membership",
    "Order",
    "Round",
    "Scope",
    "Session",
    "SessionRound",
    "Side",
]
