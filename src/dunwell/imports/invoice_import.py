"""Invoice import: canonical rows in, customers, documents and implied settlements out.

Idempotent by natural key (entity + invoice number): an identical row is counted ``unchanged``
without a write, a changed row updates the document and appends a revision (old and new values,
effective on the import's as-of date), so figures as of earlier dates can still be reconstructed.

The file is the ERP's word on each document's open amount. Whatever the book says was settled
beyond the allocations Dunwell already knows becomes an *implied* settlement: dated on the row's
paid date when it has one, else on the as-of date of the import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.customers.repository import CustomerRepository
from dunwell.imports.invoice_rows import (
    STORED_COLUMNS,
    STORED_END,
    PreparedInvoice,
    prepare_invoices,
    stored_values,
)
from dunwell.imports.report import DatabaseRejection, ImportReport
from dunwell.invoices.repository import InvoiceRepository, StoredInvoice
from dunwell.organisation.repository import OrganisationRepository
from dunwell.payments.repository import PaymentRepository

_HASH = STORED_END - 1  # PreparedInvoice positions, read by index in the hot loop
_LINE = STORED_END
_NAME = STORED_END + 1

#: Columns whose changes are kept in ``invoice_revisions`` (what point-in-time figures depend on).
TRACKED = (
    "customer_id",
    "kind",
    "po_number",
    "issue_date",
    "due_date",
    "terms",
    "currency",
    "amount_minor",
    "open_amount_minor",
    "disputed",
)


@dataclass(frozen=True, slots=True)
class _Settlement:
    invoice_id: int
    kind: DocumentKind
    currency: str
    amount_minor: int
    on: date


class InvoiceImporter:
    """Imports chunks of rows, each in the transaction it is given; keeps id caches across chunks.

    Rows arrive as ``PreparedInvoice`` tuples (``prepare`` runs in the import's reader process).
    """

    def __init__(self, *, as_of: date, batch_id: int, actor: str = "import") -> None:
        self.as_of = as_of
        self.batch_id = batch_id
        self.actor = actor
        self.prepare = partial(prepare_invoices, as_of=as_of)
        self._entity_ids: dict[str, int] = {}
        self._customer_ids: dict[tuple[int, str], int] = {}
        #: Documents and entities the file lists, for closing what a full snapshot no longer lists.
        self._seen_ids: set[int] = set()
        self._seen_entities: set[int] = set()

    def import_chunk(
        self, session: Session, rows: list[tuple[Any, ...]], report: ImportReport
    ) -> list[DatabaseRejection]:
        self._orgs = OrganisationRepository(session)
        self._customers = CustomerRepository(session)
        self._invoices = InvoiceRepository(session)
        self._payments = PaymentRepository(session)
        rejections: list[DatabaseRejection] = []
        self._remember_entities({r[0] for r in rows})
        by_entity: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows:
            by_entity[self._entity_ids[row[0]]].append(row)
        for entity_id, group in by_entity.items():
            existing = self._invoices.fingerprints(entity_id, (r[2] for r in group))
            # Rejected first: a rejected row must not create the customer it names.
            accepted: list[tuple[Any, ...]] = []
            for row in group:
                stored = existing.get(row[2])
                if stored is not None and stored.currency != row[8]:
                    rejections.append(
                        DatabaseRejection(
                            row[_LINE], "currency", f"currency cannot change (stored: {stored.currency})"
                        )
                    )
                else:
                    accepted.append(row)
            customer_ids = self._remember_customers(entity_id, accepted)
            new_rows: list[tuple[Any, ...]] = []
            changed: list[tuple[PreparedInvoice, int]] = []
            self._seen_entities.add(entity_id)
            for row in accepted:
                known = existing.get(row[2])
                if known is None:
                    # What is stored: the two ids, then the prepared columns as they are.
                    new_rows.append((entity_id, customer_ids[row[1]], *row[2:STORED_END]))
                    continue
                self._seen_ids.add(known.id)
                if known.source_hash == row[_HASH]:
                    report.unchanged += 1
                else:
                    changed.append((PreparedInvoice._make(row), known.id))
            # Full stored rows only for the changed documents: a re-import is mostly unchanged rows.
            full = self._invoices.by_ids(id_ for _, id_ in changed)
            settlements: list[_Settlement] = []
            for row, id_ in changed:
                settlements.extend(self._update(full[id_], row, customer_ids[row.customer_ref]))
                report.updated += 1
            ids = self._invoices.insert_many(STORED_COLUMNS, new_rows)
            self._seen_ids.update(ids)
            report.imported += len(ids)
            # New documents' implied settlements are derived in SQL from the rows just written.
            self._payments.post_implied_settlements(ids, as_of=self.as_of, actor=self.actor)
            self._post_settlements(settlements)
        return rejections

    def close_missing(self, session: Session, report: ImportReport) -> None:
        """Settle, on the as-of date, the open documents of the file's entities that it no longer lists.

        Only for a file that is a *full* open-items snapshot of its entities: an open-items extract
        says a document was cleared by leaving it out. Each closing is an implied settlement plus a
        revision, so earlier dates still show the document open.
        """
        self._invoices = InvoiceRepository(session)
        self._payments = PaymentRepository(session)
        report.closed = 0
        for entity_id in sorted(self._seen_entities):
            settlements: list[_Settlement] = []
            for stored in self._invoices.open_documents(entity_id, issued_by=self.as_of):
                if stored.id in self._seen_ids:
                    continue
                self._invoices.add_revisions(
                    [
                        {
                            "invoice_id": stored.id,
                            "effective_on": self.as_of,
                            "import_batch_id": self.batch_id,
                            "changes": {"open_amount_minor": [stored.open_amount_minor, 0]},
                        }
                    ]
                )
                # No fingerprint: if a later file lists the document again, it is re-opened from it.
                self._invoices.update_one(
                    stored.id,
                    {
                        "open_amount_minor": 0,
                        "status": DocumentStatus.CLEARED,
                        "cleared_on": self.as_of,
                        "source_hash": None,
                    },
                )
                settlements.append(
                    _Settlement(
                        invoice_id=stored.id,
                        kind=stored.kind,
                        currency=stored.currency,
                        amount_minor=stored.open_amount_minor,
                        on=self.as_of,
                    )
                )
            self._post_settlements(settlements)
            report.closed += len(settlements)

    def _remember_entities(self, codes: set[str]) -> None:
        missing = codes - self._entity_ids.keys()
        if missing:
            self._entity_ids.update(self._orgs.entity_ids(missing))

    def _remember_customers(self, entity_id: int, rows: list[tuple[Any, ...]]) -> dict[str, int]:
        """The ids of the customers ``rows`` name (by external id), creating the new ones."""
        known = self._customer_ids
        names = {r[1]: r[_NAME] for r in rows if (entity_id, r[1]) not in known}
        if names:
            for ext, id_ in self._customers.ensure(entity_id, names).items():
                known[(entity_id, ext)] = id_
        return {r[1]: known[(entity_id, r[1])] for r in rows}

    def _update(self, stored: StoredInvoice, row: PreparedInvoice, customer_id: int) -> list[_Settlement]:
        values = stored_values(row, customer_id)
        changes = {
            name: [_json(getattr(stored, name)), _json(values[name])]
            for name in TRACKED
            if getattr(stored, name) != values[name]
        }
        if changes:
            self._invoices.add_revisions(
                [
                    {
                        "invoice_id": stored.id,
                        "effective_on": self.as_of,
                        "import_batch_id": self.batch_id,
                        "changes": changes,
                    }
                ]
            )
        self._invoices.update_one(stored.id, values)
        # What the file says is settled, minus what was already settled: the new implied part.
        delta = (row.amount_minor - row.open_amount_minor) - (stored.amount_minor - stored.open_amount_minor)
        if not delta:
            return []
        issue = date.fromisoformat(row.issue_date)
        on = date.fromisoformat(row.paid_date) if row.paid_date else max(self.as_of, issue)
        return [_Settlement(stored.id, DocumentKind(row.kind), row.currency, delta, on)]

    def _post_settlements(self, settlements: list[_Settlement]) -> None:
        # An implied settlement is an allocation with no bank transaction behind it (payment_id
        # NULL, applied_by the import): the payments table holds only cash seen on statements,
        # which is what cash application matches against.
        self._payments.insert_allocations(
            [
                {
                    "invoice_id": s.invoice_id,
                    "payment_id": None,
                    "credit_memo_id": None,
                    "kind": _settlement_kind(s),
                    "currency": s.currency,
                    "amount_minor": s.amount_minor,
                    "applied_on": s.on,
                    "applied_by": self.actor,
                }
                for s in settlements
            ]
        )


def _settlement_kind(settlement: _Settlement) -> SettlementKind:
    """Cash on an invoice, credit consumed on a credit memo, or a snapshot re-opening either.

    A re-opening (the ERP shows more open than before: a bounced payment, a reversed clearing) is an
    adjustment, not a negative payment, so payment-based figures such as days to pay ignore it.
    """
    is_invoice = settlement.kind is DocumentKind.INVOICE
    if (settlement.amount_minor < 0) == is_invoice:
        return SettlementKind.ADJUSTMENT
    return SettlementKind.PAYMENT if is_invoice else SettlementKind.CREDIT


def _json(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DocumentKind):
        return value.value
    return value
