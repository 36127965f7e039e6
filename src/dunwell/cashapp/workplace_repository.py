"""The SQL of cash application's workplace: whose customers (and write-offs) are whose, and the
open documents a person may split a payment over."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind
from dunwell.kit.bulk import one_of
from dunwell.orm.customer import Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.settlement import WriteOff


@dataclass(frozen=True, slots=True)
class SplitChoice:
    id: int
    number: str
    kind: DocumentKind
    customer: str
    owner_id: int | None
    open_minor: int
    due_date: date


class WorkplaceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def customer_owners(self, customer_ids: Iterable[int]) -> dict[int, int | None]:
        """Each customer's portfolio owner (users.id; None: nobody's)."""
        ids = set(customer_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(Customer.id, Customer.owner_id).where(one_of(self.session, Customer.id, ids))
        )
        return {int(id_): owner for id_, owner in rows}

    def write_off_owners(self, write_off_ids: Iterable[int]) -> dict[int, int | None]:
        """The portfolio owner of each write-off's customer."""
        ids = set(write_off_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(WriteOff.id, Customer.owner_id)
            .join(Invoice, Invoice.id == WriteOff.invoice_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(one_of(self.session, WriteOff.id, ids))
        )
        return {int(id_): owner for id_, owner in rows}

    def open_documents_of(
        self, customer_ids: Iterable[int], *, entity_id: int, currency: str, limit: int = 200
    ) -> list[SplitChoice]:
        """Open invoices and credit memos of these customers a payment could be split over."""
        ids = set(customer_ids)
        if not ids:
            return []
        rows = self.session.execute(
            select(
                Invoice.id,
                Invoice.number,
                Invoice.kind,
                Customer.name,
                Customer.owner_id,
                Invoice.open_amount_minor,
                Invoice.due_date,
            )
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(
                one_of(self.session, Invoice.customer_id, ids),
                Invoice.entity_id == entity_id,
                Invoice.currency == currency,
                Invoice.open_amount_minor != 0,
            )
            .order_by(Customer.name, Invoice.due_date, Invoice.id)
            .limit(limit)
        )
        return [SplitChoice(*row) for row in rows]
