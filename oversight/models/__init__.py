"""Oversight's records: the clearing inputs kept at close, and the rules management sets."""

from .books import ClearingInputs
from .guarantees import Guarantee, GuaranteeDelivery
from .limits import PositionLimit

AUDITED: list[type] = [PositionLimit, Guarantee]

__all__ = ["AUDITED", "ClearingInputs", "Guarantee", "GuaranteeDelivery", "PositionLimit"]
