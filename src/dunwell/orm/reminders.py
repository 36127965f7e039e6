"""The dunning outbox: every planned reminder is written here with its idempotency key before
anything is sent, with the items it lists, what happened to it, and the day's skips with reasons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.orm.base import Base, CurrencyCode, Id, JsonDoc, MinorUnits, Timestamped, enum_column, utcnow


class Reminder(Timestamped, Base):
    """One consolidated message to one customer in one currency on one channel."""

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: (customer, currency, step, period) and the channel: planning the same day twice, or two
    #: planners racing, can only ever write one row (unique constraint).
    key: Mapped[str] = mapped_column(String(200), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    currency: Mapped[str] = mapped_column(CurrencyCode)
    policy: Mapped[str] = mapped_column(String(80))
    step: Mapped[str] = mapped_column(String(80))
    step_index: Mapped[int] = mapped_column(Integer)
    tone: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(16))
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    #: Not before this moment (UTC): the customer's send hour, or the guard's next allowed time.
    send_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    status: Mapped[ReminderStatus] = mapped_column(enum_column(ReminderStatus), index=True)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why it was planned, why it waits for a person, holdout membership: [{"code", "text"}].
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    total_minor: Mapped[int] = mapped_column(MinorUnits)
    to_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: What the attached statement or letter shows (items, interest, compensation, a plan offer):
    #: the PDF is rendered from it, the same bytes at preview and at send.
    document: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The channel's own id (the SMTP Message-ID, the SMS provider's id, the letter's file name).
    provider_ref: Mapped[str | None] = mapped_column(String(300))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)


class ReminderItem(Base):
    """An item a reminder lists, at the step the item had reached, with what was open then."""

    __tablename__ = "reminder_items"

    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True, index=True)
    step_index: Mapped[int] = mapped_column(Integer)
    open_minor: Mapped[int] = mapped_column(MinorUnits)


class ReminderEvent(Base):
    """What happened to a reminder, in order: planned, approved, deferred by rule X, sent, failed."""

    __tablename__ = "reminder_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[ReminderEventKind] = mapped_column(enum_column(ReminderEventKind))
    actor: Mapped[str] = mapped_column(String(120))
    #: The compliance rule behind a deferral or a block (``RF-CALL-1``), else empty.
    rule: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)


class ReminderSkip(Base):
    """A customer or item the day's plan left out, with its reason (replaced when the day is replanned)."""

    __tablename__ = "reminder_skips"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    planned_on: Mapped[date] = mapped_column(Date, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    currency: Mapped[str | None] = mapped_column(CurrencyCode)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
