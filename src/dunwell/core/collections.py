"""Closed sets of the collections domain: channels, touches, disputes, promises, holds."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    CALL = "call"


class TouchChannel(StrEnum):
    """How a collector was in touch: the sending channels, and meetings (in person or video)."""

    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    CALL = "call"
    MEETING = "meeting"


class TouchDirection(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class TouchTone(StrEnum):
    """How an outbound reminder was worded: what the worklist learns firm and friendly apart by."""

    FRIENDLY = "friendly"
    FIRM = "firm"


class TouchOutcome(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    CONVERSATION = "conversation"
    PROMISE = "promise"
    DISPUTE = "dispute"
    REFUSED = "refused"
    REACHED = "reached"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"
    PAID = "paid"


class DisputeCategory(StrEnum):
    PRICING = "pricing"
    QUANTITY = "quantity"
    QUALITY = "quality"
    DUPLICATE = "duplicate"
    NOT_RECEIVED = "not_received"
    MISSING_PO = "missing_po"
    OTHER = "other"


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED_CREDITED = "resolved_credited"
    RESOLVED_REJECTED = "resolved_rejected"
    WITHDRAWN = "withdrawn"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class PaymentPlanStatus(StrEnum):
    """An accepted instalment plan: ``active`` while every instalment due so far was kept,
    ``broken`` once one was not, ``completed`` when the last one was kept."""

    ACTIVE = "active"
    COMPLETED = "completed"
    BROKEN = "broken"
    CANCELLED = "cancelled"


def plan_status(instalments: Sequence[PromiseStatus]) -> PaymentPlanStatus:
    """A plan's status from its instalments' (in any order): one not kept breaks it."""
    if any(s in (PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT) for s in instalments):
        return PaymentPlanStatus.BROKEN
    if instalments and all(s is PromiseStatus.KEPT for s in instalments):
        return PaymentPlanStatus.COMPLETED
    return PaymentPlanStatus.ACTIVE


class HoldReason(StrEnum):
    DISPUTE = "dispute"
    PROMISE = "promise"
    MANUAL = "manual"
    LEGAL = "legal"
    BANKRUPTCY = "bankruptcy"
    #: The debtor asked in writing that communication cease (Reg F RF-CEASE-1): nothing is sent.
    CEASE = "cease"
    #: The debtor is represented by an attorney for the debt (RF-ATTY-1): only the attorney is contacted.
    ATTORNEY = "attorney"


class UserRole(StrEnum):
    COLLECTOR = "collector"  # works their own portfolio (customers they own), and what is granted
    MANAGER = "manager"  # every portfolio; approves, assigns, grants
    ADMIN = "admin"  # a manager who also manages users and tokens
    VIEWER = "viewer"  # reads everything, changes nothing
