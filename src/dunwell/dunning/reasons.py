"""Why the planner did what it did: every planned message, flag and skip carries reasons, each a
machine code (for the audit log, filters and tests) and a sentence (for the collector and the UI).
Codes that mean what the worklist's do (``worklist.values.LeftOutReason``) are spelled the same."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    # Why a customer, currency or item gets no message today.
    HOLD = "hold"
    PROMISE = "promise"
    DISPUTED = "disputed"
    RECENT_CASH = "recent_cash"
    QUIET_PERIOD = "quiet_period"  # policy.min_days_between_messages
    OPT_OUT = "opt_out"
    NO_CONTACT = "no_contact"  # no consent or no address on any of the step's channels
    PAYMENT_PLAN = "payment_plan"  # an instalment plan is being kept
    CREDIT_COVERS = "credit_covers"  # open credits cover what is due
    # Why a message needs a person's approval (a flag, never a skip).
    AMOUNT_OVER = "amount_over"
    STRATEGIC = "strategic"
    LEGAL_LANGUAGE = "legal_language"
    # What a planned message is and how it was shaped.
    POLICY = "policy"
    STEP_REACHED = "step_reached"
    CATCH_UP = "catch_up"  # steps passed while nothing was planned are not sent late
    CHANNEL_UNAVAILABLE = "channel_unavailable"
    PAYMENT_PLAN_OFFERED = "payment_plan_offered"
    CASH_SQUEEZE = "cash_squeeze"
    SEND_TIME = "send_time"
    HOLDOUT = "holdout"


@dataclass(frozen=True, slots=True)
class Reason:
    code: ReasonCode
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "text": self.text}
