"""All SQL of the predictor's book: documents with their settlements, disputes, touches and promises."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from dunwell.core.documents import SettlementKind
from dunwell.orm.base import table_of
from dunwell.orm.collections import Dispute, PromiseToPay, Touch
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation

#: The columns of ``documents``, in order.
DOCUMENT_COLUMNS = (
    "pk",
    "invoice_id",
    "customer_id",
    "entity",
    "currency",
    "terms",
    "delivery",
    "amount_minor",
    "issue_date",
    "due_date",
    "status",
    "cleared_on",
    "disputed",
    "document_type",
)


class PredictionBookRepository:
    """``customers``: only these customers' rows (one customer's page), else the whole book."""

    def __init__(self, session: Session, customers: Collection[int] | None = None) -> None:
        self.session = session
        self.customers = None if customers is None else sorted(customers) or [-1]

    def documents(self) -> Sequence[Row[Any]]:  # a wide row: typed by DOCUMENT_COLUMNS
        """Every stored document, in ``DOCUMENT_COLUMNS`` order."""
        invoices = table_of(Invoice).c
        customers = table_of(Customer).c
        entities = table_of(LegalEntity).c
        query = (
            select(
                invoices.id,
                invoices.number,
                invoices.customer_id,
                entities.code,
                invoices.currency,
                invoices.terms,
                invoices.delivery,
                invoices.amount_minor,
                invoices.issue_date,
                invoices.due_date,
                invoices.status,
                invoices.cleared_on,
                invoices.disputed,
                invoices.kind,
            )
            .join(table_of(Customer), customers.id == invoices.customer_id)
            .join(table_of(LegalEntity), entities.id == invoices.entity_id)
        )
        if self.customers is not None:
            query = query.where(invoices.customer_id.in_(self.customers))
        rows: Sequence[Row[Any]] = self.session.execute(query).all()  # type: ignore[assignment]
        return rows

    def settled_by_kind(self) -> dict[int, dict[str, int]]:
        """Per document, the magnitude settled by each kind of allocation still in effect."""
        a = table_of(Allocation).c
        query = select(a.invoice_id, a.kind, func.sum(a.amount_minor)).where(a.reversed_on.is_(None))
        if self.customers is not None:
            invoices = table_of(Invoice).c
            query = query.join(table_of(Invoice), invoices.id == a.invoice_id).where(
                invoices.customer_id.in_(self.customers)
            )
        rows = self.session.execute(query.group_by(a.invoice_id, a.kind))
        settled: dict[int, dict[str, int]] = defaultdict(dict)
        for invoice_id, kind, total in rows:
            settled[invoice_id][str(kind)] = abs(int(total))
        return settled

    def memos_consuming(self, invoice_pks: set[int]) -> set[int]:
        """The credit memos applied (and not reversed) to any of ``invoice_pks``."""
        if not invoice_pks:
            return set()
        a = table_of(Allocation).c
        rows = self.session.execute(
            select(a.credit_memo_id, a.invoice_id).where(
                a.kind == SettlementKind.CREDIT.value, a.reversed_on.is_(None)
            )
        )
        return {memo for memo, invoice in rows if memo is not None and invoice in invoice_pks}

    def dispute_dates(self) -> list[tuple[int, date, date | None, int, int]]:
        """Per invoice with disputes: first opened, last resolved, how many, how many resolved."""
        d = table_of(Dispute).c
        rows = self.session.execute(
            select(
                d.invoice_id,
                func.min(d.opened_on),
                func.max(d.resolved_on),
                func.count(),
                func.count(d.resolved_on),
            )
            .where(d.invoice_id.is_not(None), *self._of_customers(d.customer_id))
            .group_by(d.invoice_id)
        )
        return [tuple(row) for row in rows]

    def touches(self) -> list[tuple[int, datetime]]:
        t = table_of(Touch).c
        query = select(t.customer_id, t.occurred_at).where(*self._of_customers(t.customer_id))
        return [tuple(row) for row in self.session.execute(query)]

    def promises(self) -> list[tuple[int, date, date, str]]:
        p = table_of(PromiseToPay).c
        query = select(p.customer_id, p.made_on, p.promised_date, p.status)
        rows = self.session.execute(query.where(*self._of_customers(p.customer_id)))
        return [tuple(row) for row in rows]

    def _of_customers(self, column: Any) -> list[Any]:
        return [] if self.customers is None else [column.in_(self.customers)]
