"""Oversight's records: the clearing inputs kept at close, and the rules management sets."""

from .books import ClearingInputs
from .guarantees import Guarantee, GuaranteeDelivery
from .health import AlertRaised, HealthAlert, RoundShare, RoundStats
from .limits import PositionLimit
from .utilisation import DivisionUtilisation, WindowUtilisation

AUDITED: list[type] = [PositionLimit, Guarantee, HealthAlert]

__all__ = [
    "AlertRaised",
    "AUDITED",
    "ClearingInputs",
    "DivisionUtilisation",
    "Guarantee",
    "GuaranteeDelivery",
    "HealthAlert",
    "PositionLimit",
    "RoundShare",
    "RoundStats",
    "WindowUtilisation",
]
