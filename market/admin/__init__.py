"""Management's workspace for the market; auditors get the same pages read-only."""

from . import auction, divisions, ledger, tokens

__all__ = ["auction", "divisions", "ledger", "tokens"]
