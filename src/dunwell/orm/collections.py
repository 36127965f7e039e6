"""Collection activity: disputes, promises to pay, holds and touches."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.collections import (
    DisputeCategory,
    DisputeStatus,
    HoldReason,
    PaymentPlanStatus,
    PromiseStatus,
    TouchChannel,
    TouchDirection,
    TouchOutcome,
    TouchTone,
)
from dunwell.orm.base import Base, CurrencyCode, Id, MinorUnits, Timestamped, enum_column


class Dispute(Timestamped, Base):
    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    category: Mapped[DisputeCategory] = mapped_column(enum_column(DisputeCategory))
    status: Mapped[DisputeStatus] = mapped_column(enum_column(DisputeStatus), default=DisputeStatus.OPEN)
    currency: Mapped[str] = mapped_column(CurrencyCode)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    #: What was decided and why, written when it is resolved.
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(120))


class DisputeInvoice(Base):
    """An invoice a dispute is about (a dispute may cover several)."""

    __tablename__ = "dispute_invoices"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True)


class PromiseToPay(Timestamped, Base):
    __tablename__ = "promises_to_pay"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    made_on: Mapped[date] = mapped_column(Date)
    promised_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(CurrencyCode)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[PromiseStatus] = mapped_column(enum_column(PromiseStatus), default=PromiseStatus.OPEN)
    recorded_by: Mapped[str] = mapped_column(String(120))
    #: An instalment of an accepted payment plan (none: a promise of its own).
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("payment_plans.id"), index=True)
    #: For an instalment: what the plan's items must have received since the plan was accepted by
    #: this instalment's day (this one and every one before it), so one payment is never counted
    #: towards two instalments.
    plan_cumulative_minor: Mapped[int | None] = mapped_column(MinorUnits)


class PaymentPlan(Timestamped, Base):
    """An instalment plan a customer accepted: one promise per instalment over the same items."""

    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    currency: Mapped[str] = mapped_column(CurrencyCode)
    total_minor: Mapped[int] = mapped_column(MinorUnits)
    accepted_on: Mapped[date] = mapped_column(Date)
    #: The reminder whose offer was accepted (none: agreed on a call and recorded by a person).
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"))
    status: Mapped[PaymentPlanStatus] = mapped_column(
        enum_column(PaymentPlanStatus), default=PaymentPlanStatus.ACTIVE
    )
    recorded_by: Mapped[str] = mapped_column(String(120))


class PromiseInvoice(Base):
    """An invoice a promise covers; a promise without any is for the account."""

    __tablename__ = "promise_invoices"

    promise_id: Mapped[int] = mapped_column(
        ForeignKey("promises_to_pay.id", ondelete="CASCADE"), primary_key=True
    )
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True)


class Hold(Timestamped, Base):
    """A time-bounded pause of dunning, with a reason and who set and released it."""

    __tablename__ = "holds"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    reason: Mapped[HoldReason] = mapped_column(enum_column(HoldReason))
    note: Mapped[str | None] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(String(120))


class Touch(Timestamped, Base):
    """One collection contact attempt or conversation, with its outcome."""

    __tablename__ = "touches"
    __table_args__ = (UniqueConstraint("customer_id", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[TouchChannel] = mapped_column(enum_column(TouchChannel))
    direction: Mapped[TouchDirection] = mapped_column(enum_column(TouchDirection))
    outcome: Mapped[TouchOutcome] = mapped_column(enum_column(TouchOutcome))
    #: How an outbound reminder was worded, where known.
    tone: Mapped[TouchTone | None] = mapped_column(enum_column(TouchTone))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    #: The id the source file gives it, so a re-import adds nothing twice.
    external_id: Mapped[str | None] = mapped_column(String(64))
