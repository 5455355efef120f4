"""The read-only admin bases are the ledger's (append-only records); re-exported here."""

from ledger.admin import ReadOnly, ReadOnlyAdmin, ReadOnlyInline

__all__ = ["ReadOnly", "ReadOnlyAdmin", "ReadOnlyInline"]
