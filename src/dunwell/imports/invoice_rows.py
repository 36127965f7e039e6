"""Invoice rows prepared for storage, ahead of the database writes (in the import's reader process).

Everything about a row that does not need the database is computed here: minor units, status,
clearing date, fingerprint, dates as ISO text. The result is a plain tuple in ``PreparedInvoice``
field order (plain tuples cross the process boundary several times cheaper than named ones);
the importer adds the entity and customer ids and writes fields 2-15 as they are.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from dunwell.core.allocation import document_status
from dunwell.core.documents import DocumentKind, DocumentStatus
from dunwell.core.money import to_minor_units
from dunwell.imports.fingerprint import fingerprint
from dunwell.ingest import CanonicalRow, InvoiceRow


class PreparedInvoice(NamedTuple):
    """One invoice row, ready to store: dates are ISO text, enums their values, money minor units."""

    entity: str  # entity code: the importer swaps in the id
    customer_ref: str  # the customer's external id: the importer swaps in the id
    number: str
    kind: str
    po_number: str | None
    issue_date: str
    due_date: str
    terms: str | None
    currency: str
    amount_minor: int
    open_amount_minor: int
    status: str
    cleared_on: str | None
    disputed: bool
    delivery: str | None
    source_hash: str
    # Not stored on the document:
    line: int
    customer_name: str | None
    paid_date: str | None


#: The invoices columns a new document is written with: two ids, then ``PreparedInvoice[2:STORED_END]``.
STORED_END = PreparedInvoice._fields.index("source_hash") + 1
STORED_COLUMNS = ("entity_id", "customer_id", *PreparedInvoice._fields[2:STORED_END])


def prepare_invoices(rows: list[CanonicalRow], *, as_of: date) -> list[tuple[object, ...]]:
    """``rows`` (``InvoiceRow``s) as ``PreparedInvoice`` tuples.

    ``as_of`` dates the clearing of a settled row without a paid date (never before its issue).
    """
    cleared = DocumentStatus.CLEARED
    prepared: list[tuple[object, ...]] = []
    append = prepared.append
    for row in rows:
        if not isinstance(row, InvoiceRow):
            raise TypeError(f"an invoice import was given a {type(row).__name__}")
        currency, issue, paid = row.currency, row.issue_date, row.paid_date
        amount = to_minor_units(row.amount, currency)
        open_amount = to_minor_units(row.open_amount, currency)
        status = document_status(amount, open_amount)
        kind = row.document_type.value  # a plain str: repr of an enum member is slow Python
        cleared_on = (paid or (as_of if as_of > issue else issue)) if status is cleared else None
        # The customer's name is not part of the document: the customer import maintains it.
        digest = fingerprint(
            (
                row.customer_id,
                kind,
                row.po_number,
                issue,
                row.due_date,
                row.terms,
                currency,
                row.amount,
                row.open_amount,
                paid,
                row.disputed,
                row.delivery,
            )
        )
        append(
            (
                row.entity,
                row.customer_id,
                row.invoice_id,
                kind,
                row.po_number,
                issue.isoformat(),
                row.due_date.isoformat(),
                row.terms,
                currency,
                amount,
                open_amount,
                status.value,
                cleared_on.isoformat() if cleared_on is not None else None,
                row.disputed,
                row.delivery,
                digest,
                row.line,
                row.customer_name,
                paid.isoformat() if paid is not None else None,
            )
        )
    return prepared


def stored_values(row: PreparedInvoice, customer_id: int) -> dict[str, object]:
    """The document's columns as the ORM types them (for comparing with, and updating, a stored one)."""
    return {
        "customer_id": customer_id,
        "kind": DocumentKind(row.kind),
        "po_number": row.po_number,
        "issue_date": date.fromisoformat(row.issue_date),
        "due_date": date.fromisoformat(row.due_date),
        "terms": row.terms,
        "currency": row.currency,
        "amount_minor": row.amount_minor,
        "open_amount_minor": row.open_amount_minor,
        "status": DocumentStatus(row.status),
        "cleared_on": date.fromisoformat(row.cleared_on) if row.cleared_on else None,
        "disputed": row.disputed,
        "delivery": row.delivery,
        "source_hash": row.source_hash,
    }
