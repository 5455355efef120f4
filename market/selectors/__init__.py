"""Reads: rows for pages, the API and admin, each in a fixed number of queries.

One module per area (``market/selectors/holdings.py``, ...); the most used names are re-exported.
"""

from .holdings import Holding, asset_totals, division_holdings

__all__ = ["Holding", "asset_totals", "division_holdings"]
