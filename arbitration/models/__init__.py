from .case import Evidence, Message, Response
from .disputes import Dispute, DisputeEvent, Party
from .rulings import Ruling, RulingEffect

__all__ = [
    "Dispute",
    "DisputeEvent",
    "Evidence",
    "Message",
    "Party",
    "Response",
    "Ruling",
    "RulingEffect",
]
