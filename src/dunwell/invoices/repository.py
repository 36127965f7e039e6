"""All SQL about invoices, credit memos and their revisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind, DocumentStatus
from dunwell.orm.base import table_of
from dunwell.orm.invoice import Invoice, InvoiceRevision


@dataclass(frozen=True, slots=True)
class StoredInvoice:
    """The columns an import compares against (not a full ORM object: imports touch millions)."""

    id: int
    number: str
    customer_id: int
    kind: DocumentKind
    po_number: str | None
    issue_date: date
    due_date: date
    terms: str | None
    currency: str
    amount_minor: int
    open_amount_minor: int
    disputed: bool
    cleared_on: date | None
    source_hash: str | None


_STORED_COLUMNS = (
    Invoice.id,
    Invoice.number,
    Invoice.customer_id,
    Invoice.kind,
    Invoice.po_number,
    Invoice.issue_date,
    Invoice.due_date,
    Invoice.terms,
    Invoice.currency,
    Invoice.amount_minor,
    Invoice.open_amount_minor,
    Invoice.disputed,
    Invoice.cleared_on,
    Invoice.source_hash,
)


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_numbers(self, entity_id: int, numbers: Iterable[str]) -> dict[str, StoredInvoice]:
        rows = self.session.execute(
            select(*_STORED_COLUMNS).where(Invoice.entity_id == entity_id, Invoice.number.in_(set(numbers)))
        )
        return {row.number: StoredInvoice(**row._mapping) for row in rows}

    def get(self, invoice_id: int) -> StoredInvoice | None:
        row = self.session.execute(select(*_STORED_COLUMNS).where(Invoice.id == invoice_id)).first()
        return StoredInvoice(**row._mapping) if row else None

    def open_documents(self, entity_id: int, *, issued_by: date) -> list[StoredInvoice]:
        """Documents of ``entity_id`` issued by ``issued_by`` that are not cleared today."""
        rows = self.session.execute(
            select(*_STORED_COLUMNS).where(
                Invoice.entity_id == entity_id,
                Invoice.status != DocumentStatus.CLEARED,
                Invoice.issue_date <= issued_by,
            )
        )
        return [StoredInvoice(**row._mapping) for row in rows]

    def insert_many(self, values: list[dict[str, Any]]) -> list[int]:
        """Insert rows and return their ids in the same order (one round trip per batch)."""
        if not values:
            return []
        result = self.session.execute(
            insert(table_of(Invoice)).returning(table_of(Invoice).c.id, sort_by_parameter_order=True), values
        )
        return [row[0] for row in result]

    def update_one(self, invoice_id: int, values: dict[str, Any]) -> None:
        self.session.execute(update(Invoice).where(Invoice.id == invoice_id).values(**values))

    def add_revisions(self, values: list[dict[str, Any]]) -> None:
        if values:
            self.session.execute(insert(InvoiceRevision), values)

    def set_open_amount(self, invoice_id: int, *, open_minor: int, values: dict[str, Any]) -> None:
        self.session.execute(
            update(Invoice).where(Invoice.id == invoice_id).values(open_amount_minor=open_minor, **values)
        )
