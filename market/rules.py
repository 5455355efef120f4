"""Checking an order's quantity and limit against a market's rules, in words users act on.

The numbers themselves are read by `market.parsing` (the one strict reading); this adds the
round's rules: tick grid, floor and cap.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .errors import MarketError
from .models import Round
from .parsing import parse_money, parse_units


def parse_quantity(value: Any) -> int:
    """A positive whole number of units; '5' and 5 pass, 5.5, '5.0', True and 'five' do not."""
    return parse_units(value, field="quantity")


def parse_limit(value: Any, market: Round) -> Decimal:
    """A non-negative price on the round's tick grid and inside its floor and cap."""
    limit = parse_money(value, field="limit")
    if limit % market.tick != 0:
        raise MarketError(
            _("Price %(limit)s is not on the tick grid: use a multiple of %(tick)s.")
            % {"limit": limit, "tick": market.tick},
            field="limit",
        )
    if market.floor is not None and limit < market.floor:
        raise MarketError(
            _("Price %(limit)s is below the market floor of %(floor)s.")
            % {"limit": limit, "floor": market.floor},
            field="limit",
        )
    if market.cap is not None and limit > market.cap:
        raise MarketError(
            _("Price %(limit)s is above the market cap of %(cap)s.")
            % {"limit": limit, "cap": market.cap},
            field="limit",
        )
    return limit
