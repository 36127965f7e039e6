"""Invoices and credit memos, with the revision history that point-in-time queries need."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.documents import DocumentKind, DocumentStatus
from dunwell.orm.base import Base, CurrencyCode, Id, JsonDoc, MinorUnits, Timestamped, enum_column, utcnow


class Invoice(Timestamped, Base):
    """One receivable document. Credit memos have negative amounts (see core.documents)."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("entity_id", "number"),
        CheckConstraint("due_date >= issue_date", name="due_not_before_issue"),
        CheckConstraint(
            "(kind = 'invoice' AND amount_minor >= 0) OR (kind = 'credit_memo' AND amount_minor <= 0)",
            name="amount_sign_matches_kind",
        ),
        Index("ix_invoices_customer_status", "customer_id", "status"),
        # The book's last day of activity, and documents issued by a day (reports as of a date).
        Index("ix_invoices_issue_date", "issue_date"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), default=DocumentKind.INVOICE)
    po_number: Mapped[str | None] = mapped_column(String(64))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    terms: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(CurrencyCode)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    #: Cached ``amount - allocations in effect``; the allocations are the truth for past dates.
    open_amount_minor: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[DocumentStatus] = mapped_column(enum_column(DocumentStatus), default=DocumentStatus.OPEN)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How it reached the customer (paper, email, portal, edi): a payment-time predictor.
    delivery: Mapped[str | None] = mapped_column(String(32))
    source_hash: Mapped[str | None] = mapped_column(String(64))


class InvoiceRevision(Base):
    """What an update changed, when it was recorded and by which import (append-only)."""

    __tablename__ = "invoice_revisions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    effective_on: Mapped[date] = mapped_column(Date)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    #: ``{field: [old, new]}`` with JSON-safe values (amounts as minor units).
    changes: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
