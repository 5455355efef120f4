from .platform import PlatformAccount
from .revenue import CurrencyRate, RevenueRecord, RevenueShare, RevenueTarget, SharingRule
from .usage import UsageRecord
from .windows import Series, Window

__all__ = [
    "CurrencyRate",
    "PlatformAccount",
    "RevenueRecord",
    "RevenueShare",
    "RevenueTarget",
    "Series",
    "SharingRule",
    "UsageRecord",
    "Window",
]
