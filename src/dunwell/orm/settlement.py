"""Settlements without cash: a short pay's remainder, a discount, bad debt. ADR 0018.

A row is the request and its life: proposed (by a person, or by cash application for a short
payment), posted (an allocation of kind ``deduction`` or ``write_off`` now settles the invoice),
rejected, or reversed (the allocation is reversed from a date on; history before it stands).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.documents import SettlementKind
from dunwell.core.settlement import SettleReason
from dunwell.orm.base import Base, CurrencyCode, Id, MinorUnits, enum_column, utcnow


class WriteOffStatus(StrEnum):
    PROPOSED = "proposed"  # waits for a person (above policy, or bad debt)
    POSTED = "posted"
    REJECTED = "rejected"
    REVERSED = "reversed"


class WriteOff(Base):
    __tablename__ = "write_offs"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    #: The payment whose shortfall it settles (None for bad debt or a person's own write-off).
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    kind: Mapped[SettlementKind] = mapped_column(enum_column(SettlementKind))
    reason: Mapped[SettleReason] = mapped_column(enum_column(SettleReason))
    note: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(CurrencyCode)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    #: The day it settles the invoice: the aging and the metrics see it from then on.
    effective_on: Mapped[date] = mapped_column(Date)
    status: Mapped[WriteOffStatus] = mapped_column(enum_column(WriteOffStatus), index=True)
    #: What the company policy said, in words (kept even when a person decided).
    policy_verdict: Mapped[str] = mapped_column(String(500))
    dispute_candidate: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(String(500))
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"))
