"""A customer's reply as the inbox keeps it: how it was tied to a customer, and where the
suggestion it carries stands."""

from __future__ import annotations

from enum import StrEnum


class LinkedBy(StrEnum):
    """How a reply found its customer, strongest first: it answers a reminder we sent (its
    In-Reply-To or References name the reminder's Message-ID), it comes from a contact's address,
    it names invoices of exactly one customer, or a person linked it by hand; ``none``: not linked."""

    IN_REPLY_TO = "in_reply_to"
    SENDER = "sender"
    INVOICE_REF = "invoice_ref"
    BY_HAND = "by_hand"
    NONE = "none"


class ReplyState(StrEnum):
    """A suggestion waits (``suggested``) until a person accepts or rejects it. A stop request from
    a known contact does not wait: it is honoured when it arrives (``applied_at_once``)."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    APPLIED_AT_ONCE = "applied_at_once"
