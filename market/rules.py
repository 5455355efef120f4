"""Checking an order's quantity and limit against a market's rules, in words users act on."""

from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import MarketError
from .models import Round


def parse_quantity(value: Any) -> int:
    """A positive whole number of units; '5' and 5 pass, 5.5, '5.0', True and 'five' do not."""
    if isinstance(value, bool):
        raise MarketError("Quantity must be a whole number of units.", field="quantity")
    if isinstance(value, int):
        quantity = value
    else:
        text = str(value).strip()
        if not text.isdigit():
            raise MarketError(
                f"Quantity must be a positive whole number of units, not {value!r}.",
                field="quantity",
            )
        quantity = int(text)
    if quantity <= 0:
        raise MarketError("Quantity must be at least 1 unit.", field="quantity")
    if quantity > 10**9:
        raise MarketError("Quantity is larger than any market can hold.", field="quantity")
    return quantity


def parse_limit(value: Any, market: Round) -> Decimal:
    """A finite, non-negative price on the round's tick grid and inside its floor and cap."""
    if isinstance(value, bool | float):
        raise MarketError('Give the price as a decimal string, e.g. "2.35".', field="limit")
    try:
        limit = Decimal(str(value).strip())
    except InvalidOperation:
        raise MarketError(f"Price {value!r} is not a number.", field="limit") from None
    if not limit.is_finite():
        raise MarketError(f"Price {value!r} is not a finite number.", field="limit")
    if limit < 0:
        raise MarketError("Price cannot be negative.", field="limit")
    if limit % market.tick != 0:
        raise MarketError(
            f"Price {limit} is not on the tick grid: use a multiple of {market.tick}.",
            field="limit",
        )
    if limit >= 10**15:
        raise MarketError("Price is larger than any market allows.", field="limit")
    if market.floor is not None and limit < market.floor:
        raise MarketError(
            f"Price {limit} is below the market floor of {market.floor}.", field="limit"
        )
    if market.cap is not None and limit > market.cap:
        raise MarketError(f"Price {limit} is above the market cap of {market.cap}.", field="limit")
    return limit.quantize(Decimal("0.01"))
