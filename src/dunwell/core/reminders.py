"""The life of a reminder in the outbox, and what a customer's ledger is (which contact rules apply)."""

from __future__ import annotations

from enum import StrEnum


class ReminderStatus(StrEnum):
    """Where a planned message stands. Only ``queued`` is ever picked up by a sender, and a sender
    commits ``sending`` before it calls the channel: a sender that dies mid-send leaves the message
    ``sending``, which the next run turns into ``unconfirmed`` for a person to check, never into a
    second send."""

    AWAITING_APPROVAL = "awaiting_approval"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    UNCONFIRMED = "unconfirmed"
    FAILED = "failed"
    BLOCKED = "blocked"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


#: States a message can still leave by itself or by a person's decision.
OPEN_STATUSES = frozenset({ReminderStatus.AWAITING_APPROVAL, ReminderStatus.QUEUED, ReminderStatus.SENDING})


class ReminderEventKind(StrEnum):
    PLANNED = "planned"
    APPROVED = "approved"
    EDITED = "edited"
    REJECTED = "rejected"
    DEFERRED = "deferred"  # the compliance guard moved it to its next allowed time
    BLOCKED = "blocked"  # the guard refused and no later time is allowed
    SENDING = "sending"
    SENT = "sent"
    RETRY = "retry"  # a temporary failure; tried again after a backoff
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
    CANCELLED = "cancelled"
    OPENED = "opened"  # the recipient's mail client loaded the open pixel (only with track_opens)


class Ledger(StrEnum):
    """Which contact rules bind a customer's debts (RULES.md §B0): consumer debts bring the US
    Regulation F pack; commercial debts the B2B defaults."""

    COMMERCIAL = "commercial"
    CONSUMER = "consumer"
