"""Cash application: the company's bank accounts, imported statements, matching results and what
people taught the matcher (payer aliases, rejected pairs). ADR 0014."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.matching.records import MatchStatus
from dunwell.orm.base import Base, CurrencyCode, Id, JsonDoc, MinorUnits, Timestamped, enum_column, utcnow


class MatchDecision(StrEnum):
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class AliasKind(StrEnum):
    NAME = "name"
    ACCOUNT = "account"


class AliasSource(StrEnum):
    CONFIRMED = "confirmed"  # learned when a person confirmed a match
    IMPORTED = "imported"  # loaded from a customer master


class BankAccount(Timestamped, Base):
    """One of the company's own accounts; it tells which legal entity a statement's cash belongs to."""

    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: Upper case, letters and digits only (an IBAN without spaces); ``ENTITY:<code>`` stands in
    #: for the account of an entity whose statements never name one (plain CSV exports).
    account: Mapped[str] = mapped_column(String(64), unique=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"), index=True)
    currency: Mapped[str | None] = mapped_column(CurrencyCode)


class BankStatement(Base):
    """One statement imported: where it came from and what it said about itself."""

    __tablename__ = "bank_statements"
    __table_args__ = (
        # The same statement (by the bank's id) is imported once; statements without an id are
        # recognised by their file's hash instead.
        Index(
            "ux_bank_statements_account_statement",
            "bank_account_id",
            "statement_id",
            unique=True,
            sqlite_where=text("statement_id IS NOT NULL"),
            postgresql_where=text("statement_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    bank_account_id: Mapped[int] = mapped_column(ForeignKey("bank_accounts.id"))
    statement_id: Mapped[str | None] = mapped_column(String(120))
    format: Mapped[str] = mapped_column(String(16))
    source_file: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(CurrencyCode)
    opening_minor: Mapped[int | None] = mapped_column(MinorUnits)
    closing_minor: Mapped[int | None] = mapped_column(MinorUnits)
    transactions: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120))


class StatementEntry(Base):
    """The statement line a payment was created from, with what ``payments`` has no column for."""

    __tablename__ = "statement_entries"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    line: Mapped[int] = mapped_column(Integer)
    booking_date: Mapped[date | None] = mapped_column(Date)
    structured_reference: Mapped[str | None] = mapped_column(String(64))
    end_to_end_id: Mapped[str | None] = mapped_column(String(120))
    bank_code: Mapped[str | None] = mapped_column(String(60))
    #: What the remittance states per item (X12 820 RMR, lockbox stubs), amounts in minor units:
    #: ``[{"reference", "paid_minor", "invoiced_minor", "discount_minor", "adjustment_minor",
    #: "adjustment_reason"}]``; None when it states nothing.
    remittance_items: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonDoc)
    #: The bank's detail text as sent, where the reader parsed payer and remittance out of it (BAI2).
    bank_text: Mapped[str | None] = mapped_column(Text)


class CashConfidenceModel(Base):
    """A confidence model the deployment fitted on its own decisions (``matching.confidence``
    JSON); the newest active one is used instead of the shipped model."""

    __tablename__ = "cash_confidence_models"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    fitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    fitted_by: Mapped[str] = mapped_column(String(120))
    model: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    outcomes: Mapped[int] = mapped_column(Integer)
    wrong: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CashMatchRun(Base):
    """One matching run over the unapplied cash: when, as of which day, by whom, with what outcome."""

    __tablename__ = "cash_match_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    #: ``{"payments", "auto", "suggested", "unmatched", "skipped_by_person"}``.
    counts: Mapped[dict[str, int]] = mapped_column(JsonDoc)


class CashMatch(Base):
    """The latest matching result for one payment, and a person's decision on it."""

    __tablename__ = "cash_matches"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("cash_match_runs.id"), index=True)
    status: Mapped[MatchStatus] = mapped_column(enum_column(MatchStatus))
    #: The best candidate's calibrated probability (None: no candidate).
    confidence: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(String(500))
    #: The best candidate's customer (what the review queue and the dunning check filter on).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    #: Best first: ``[{customer_id, customer, name, confidence, allocations: [{invoice_id, number,
    #: amount_minor}], evidence: [{signal, detail, weight}], unapplied_minor, write_off_minor,
    #: write_off_reason}]`` with database ids.
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    #: A short payment's difference suggested for write-off: never posted without a person.
    write_off_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    write_off_reason: Mapped[str | None] = mapped_column(String(200))
    #: The allocations made for this match (automatically or on confirmation), credits included.
    allocation_ids: Mapped[list[int]] = mapped_column(JsonDoc, default=list)
    matched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decision: Mapped[MatchDecision | None] = mapped_column(enum_column(MatchDecision))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_candidate: Mapped[int | None] = mapped_column(Integer)
    decision_note: Mapped[str | None] = mapped_column(String(500))


class PayerAlias(Base):
    """A payer name or account that belongs to a customer, as people confirmed it."""

    __tablename__ = "payer_aliases"
    __table_args__ = (UniqueConstraint("kind", "value", "customer_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[AliasKind] = mapped_column(enum_column(AliasKind))
    #: The normalised form the matcher compares (``matching.normalize``).
    value: Mapped[str] = mapped_column(String(300))
    #: As the bank wrote it the first time, for people.
    display: Mapped[str] = mapped_column(String(300))
    source: Mapped[AliasSource] = mapped_column(enum_column(AliasSource))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RejectedMatch(Base):
    """A (payment, document) pair a person said is wrong: the matcher never proposes it again."""

    __tablename__ = "rejected_matches"
    __table_args__ = (UniqueConstraint("payment_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    rejected_by: Mapped[str] = mapped_column(String(120))
    rejected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))
