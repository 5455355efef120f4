"""Management's workspace for the market; auditors get the same pages read-only."""

from . import divisions, ledger

__all__ = ["divisions", "ledger"]
