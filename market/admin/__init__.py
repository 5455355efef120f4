"""Management's workspace for the market; auditors get the same pages read-only."""

from . import auction, divisions, ledger

__all__ = ["auction", "divisions", "ledger"]
