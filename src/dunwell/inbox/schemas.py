"""The REST shapes of the inbox: a received reply with its reading and suggestion (amounts in
minor units), and what a person sends to accept or reject it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from dunwell.inbox.acting import ReplyEdits
from dunwell.kit.http import MAX_ROW_ID
from dunwell.orm.inbox import ReceivedReply


class Reply(BaseModel):
    id: int
    message_id: str
    sender: str | None
    subject: str
    sent_at: datetime | None
    received_at: datetime
    language: str
    customer_id: int | None
    reminder_id: int | None
    contact_id: int | None
    linked_by: str = Field(description="in_reply_to, sender, invoice_ref, by_hand or none")
    intent: str
    confidence: float
    evidence: str = Field(description="The customer's own words that decided the intent")
    promise_date: date | None
    promise_amount_minor: int | None
    currency: str | None
    dispute_category: str | None
    invoice_refs: list[str]
    return_date: date | None
    new_contact: str | None
    state: str = Field(description="suggested, accepted, rejected or applied_at_once")
    attention: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    outcome: dict[str, Any]

    @classmethod
    def of(cls, r: ReceivedReply) -> Reply:
        return cls(
            id=r.id,
            message_id=r.message_id,
            sender=r.sender,
            subject=r.subject,
            sent_at=r.sent_at,
            received_at=r.received_at,
            language=r.language,
            customer_id=r.customer_id,
            reminder_id=r.reminder_id,
            contact_id=r.contact_id,
            linked_by=r.linked_by.value,
            intent=r.intent.value,
            confidence=r.confidence,
            evidence=r.evidence,
            promise_date=r.promise_date,
            promise_amount_minor=r.promise_amount_minor,
            currency=r.currency,
            dispute_category=r.dispute_category.value if r.dispute_category else None,
            invoice_refs=list(r.invoice_refs or []),
            return_date=r.return_date,
            new_contact=r.new_contact,
            state=r.state.value,
            attention=r.attention,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            decision_note=r.decision_note,
            outcome=dict(r.outcome or {}),
        )


class ReplyAccept(BaseModel):
    """What the person accepting corrects or adds; anything left out keeps the reply's reading."""

    customer_id: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="Link an unlinked reply")
    contact_id: int | None = Field(None, ge=1, le=MAX_ROW_ID)
    day: date | None = Field(None, description="The promised day, or the day an absent contact returns")
    amount: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=4)
    currency: str | None = Field(None, min_length=3, max_length=3)
    invoice_ids: list[int] = Field([], max_length=500)

    def edits(self) -> ReplyEdits:
        return ReplyEdits(
            customer_id=self.customer_id,
            contact_id=self.contact_id,
            day=self.day,
            amount=self.amount,
            currency=self.currency,
            invoice_ids=tuple(self.invoice_ids),
        )


class ReplyReject(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
