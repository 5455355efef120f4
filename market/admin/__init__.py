"""Management's workspace for the market; auditors get the same pages read-only."""

from . import auction, beat, divisions, sessions, tokens

__all__ = ["auction", "beat", "divisions", "sessions", "tokens"]
