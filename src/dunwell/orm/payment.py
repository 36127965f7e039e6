"""Payments (bank transactions) and allocations of payments and credits to documents."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.documents import SettlementKind
from dunwell.orm.base import Base, CurrencyCode, Id, MinorUnits, Timestamped, enum_column, utcnow


class PaymentOrigin(StrEnum):
    BANK_STATEMENT = "bank_statement"
    IMPORT = "import"


class Payment(Timestamped, Base):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("entity_id", "natural_key"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "unapplied_minor >= 0 AND unapplied_minor <= amount_minor", name="unapplied_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"))
    natural_key: Mapped[str] = mapped_column(String(120))
    origin: Mapped[PaymentOrigin] = mapped_column(enum_column(PaymentOrigin))
    value_date: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(CurrencyCode)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    #: Cached ``amount - allocations in effect``: cash received but not yet applied.
    unapplied_minor: Mapped[int] = mapped_column(MinorUnits)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    payer_name: Mapped[str | None] = mapped_column(String(300))
    payer_account: Mapped[str | None] = mapped_column(String(64))
    remittance: Mapped[str | None] = mapped_column(Text)
    bank_reference: Mapped[str | None] = mapped_column(String(120))
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_line: Mapped[int | None] = mapped_column(Integer)
    source_hash: Mapped[str | None] = mapped_column(String(64))


def _where_not_null(column: str) -> dict[str, Any]:
    condition = text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


class Allocation(Base):
    """Part of a payment (or credit) applied to a document. Reversed, never deleted."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount_minor <> 0", name="amount_not_zero"),
        Index("ix_allocations_invoice_applied", "invoice_id", "applied_on"),
        Index("ix_allocations_applied_on", "applied_on"),  # the last day cash was applied
        # Partial: most allocations are settlements implied by imported history, with neither a
        # payment nor a credit memo, and a bulk import should not index a million NULLs twice.
        *(
            Index(f"ix_allocations_{column}", column, **_where_not_null(column))
            for column in ("payment_id", "credit_memo_id")
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    #: The credit memo consumed, for ``kind = credit``.
    credit_memo_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    kind: Mapped[SettlementKind] = mapped_column(enum_column(SettlementKind))
    currency: Mapped[str] = mapped_column(CurrencyCode)
    #: Same sign as the document's amount (see core.documents).
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    applied_on: Mapped[date] = mapped_column(Date)
    applied_by: Mapped[str] = mapped_column(String(120))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reversed_on: Mapped[date | None] = mapped_column(Date)
    reversed_by: Mapped[str | None] = mapped_column(String(120))
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversal_reason: Mapped[str | None] = mapped_column(String(500))
