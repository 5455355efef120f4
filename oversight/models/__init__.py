"""Oversight's records: the clearing inputs kept at close (and the rules management sets)."""

from .books import ClearingInputs

AUDITED: list[type] = []

__all__ = ["AUDITED", "ClearingInputs"]
