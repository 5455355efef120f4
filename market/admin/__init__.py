"""Management's workspace for the market; auditors get the same pages read-only."""

from . import auction, divisions, tokens

__all__ = ["auction", "divisions", "tokens"]
