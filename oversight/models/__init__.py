"""Oversight's records: the clearing inputs kept at close, and the rules management sets."""

from .books import ClearingInputs
from .limits import PositionLimit

AUDITED: list[type] = [PositionLimit]

__all__ = ["AUDITED", "ClearingInputs", "PositionLimit"]
