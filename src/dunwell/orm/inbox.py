"""Customers' replies as received: the message, the customer it was tied to and how, what the
reader made of it, and where the suggestion stands (suggested, accepted, rejected, or, for a stop,
applied when it arrived)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.collections import DisputeCategory
from dunwell.core.inbox import LinkedBy, ReplyState
from dunwell.orm.base import Base, CurrencyCode, Id, JsonDoc, MinorUnits, Timestamped, enum_column
from dunwell.replies.classify import Intent


class ReceivedReply(Timestamped, Base):
    __tablename__ = "received_replies"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: The Message-ID header (else ``sha256:`` of the raw bytes): storing a message again does nothing.
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    #: The Date header (the customer's clock): relative dates in the text count from it.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The file it was read from (``<uidvalidity>-<uid>.eml`` from `dunwell replies fetch`).
    source: Mapped[str | None] = mapped_column(String(300))
    #: What was read: the reply without quoted history and signature.
    fresh_text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))

    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    linked_by: Mapped[LinkedBy] = mapped_column(enum_column(LinkedBy))

    intent: Mapped[Intent] = mapped_column(enum_column(Intent))
    confidence: Mapped[float] = mapped_column(Float)
    #: The customer's own words that decided the intent.
    evidence: Mapped[str] = mapped_column(Text)
    #: For a promise the promised day and amount; for ``already_paid`` the payment's.
    promise_date: Mapped[date | None] = mapped_column(Date)
    promise_amount_minor: Mapped[int | None] = mapped_column(MinorUnits)
    currency: Mapped[str | None] = mapped_column(CurrencyCode)
    dispute_category: Mapped[DisputeCategory | None] = mapped_column(enum_column(DisputeCategory))
    #: The invoice numbers as the customer wrote them.
    invoice_refs: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    return_date: Mapped[date | None] = mapped_column(Date)
    new_contact: Mapped[str | None] = mapped_column(String(320))

    state: Mapped[ReplyState] = mapped_column(enum_column(ReplyState), index=True)
    #: Why a person must act (a stop from an address no contact has), else empty.
    attention: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The reason given for a rejection.
    decision_note: Mapped[str | None] = mapped_column(Text)
    #: What accepting (or honouring a stop) created: {"promise_id": 3}, {"dispute_id": 5}, ...
    outcome: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
