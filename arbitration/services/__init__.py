"""Arbitration's write paths. Every one is atomic, locks the dispute row, and records the move."""

from .case import evidence_add, message_post, response_submit
from .filing import Claim, counterparties, dispute_file
from .remedies import Decision, Plan
from .rulings import dispute_rule, ruling_preview
from .transitions import IllegalTransition
from .workflow import (
    dispute_appeal,
    dispute_escalate,
    dispute_finalise,
    dispute_request_response,
    dispute_take,
    dispute_withdraw,
)

__all__ = [
    "Claim",
    "Decision",
    "IllegalTransition",
    "Plan",
    "counterparties",
    "dispute_appeal",
    "dispute_escalate",
    "dispute_file",
    "dispute_finalise",
    "dispute_request_response",
    "dispute_rule",
    "dispute_take",
    "dispute_withdraw",
    "evidence_add",
    "message_post",
    "response_submit",
    "ruling_preview",
]
