"""All SQL about invoices, credit memos and their revisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind, DocumentStatus
from dunwell.kit.bulk import insert_tuples_with_ids, one_of
from dunwell.orm.base import table_of
from dunwell.orm.invoice import Invoice, InvoiceRevision


@dataclass(frozen=True, slots=True)
class Fingerprint:
    id: int
    source_hash: str | None
    currency: str


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
    delivery: str | None
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
    Invoice.delivery,
    Invoice.cleared_on,
    Invoice.source_hash,
)


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def fingerprints(self, entity_id: int, numbers: Iterable[str]) -> dict[str, Fingerprint]:
        """What an import needs to tell a new, unchanged or changed row apart (cheap to load)."""
        # Core columns, not ORM attributes: plain tuples, without the ORM's per-row loading work.
        c = table_of(Invoice).c
        rows = self.session.execute(
            select(c.number, c.id, c.source_hash, c.currency).where(
                c.entity_id == entity_id, one_of(self.session, c.number, set(numbers))
            )
        )
        return {
            number: Fingerprint(id_, source_hash, currency) for number, id_, source_hash, currency in rows
        }

    def by_ids(self, ids: Iterable[int]) -> dict[int, StoredInvoice]:
        rows = self.session.execute(
            select(*_STORED_COLUMNS).where(one_of(self.session, Invoice.id, set(ids)))
        )
        return {row.id: StoredInvoice(**row._mapping) for row in rows}

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

    def insert_many(self, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[int]:
        """Bulk-insert documents given as tuples of stored values (``kit.bulk.insert_tuples``);
        returns their ids in the order of ``rows``."""
        return insert_tuples_with_ids(self.session, table_of(Invoice), columns, rows)

    def update_one(self, invoice_id: int, values: dict[str, Any]) -> None:
        self.session.execute(update(Invoice).where(Invoice.id == invoice_id).values(**values))

    def add_revisions(self, values: list[dict[str, Any]]) -> None:
        if values:
            self.session.execute(insert(InvoiceRevision), values)
