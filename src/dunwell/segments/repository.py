"""All SQL of the segments: when invoices first received cash, who the customers are and who
owns them, and a marker of the promises (which do not move the book's version)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dunwell.core.documents import SettlementKind
from dunwell.orm.collections import PromiseToPay
from dunwell.orm.customer import Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: int
    external_id: str
    name: str
    owner_id: int | None


class SegmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def first_cash_days(self, customers: Collection[int] | None = None) -> dict[int, date]:
        """Per invoice, the first day cash was applied to it (allocations still in effect)."""
        query = (
            select(Allocation.invoice_id, func.min(Allocation.applied_on))
            .where(Allocation.kind == SettlementKind.PAYMENT, Allocation.reversed_on.is_(None))
            .group_by(Allocation.invoice_id)
        )
        if customers is not None:
            query = query.join(Invoice, Invoice.id == Allocation.invoice_id).where(
                Invoice.customer_id.in_(sorted(customers) or [-1])
            )
        return {int(invoice): day for invoice, day in self.session.execute(query)}

    def customers(
        self, scope: frozenset[int] | None, ids: Collection[int] | None = None
    ) -> dict[int, CustomerRef]:
        """The customers owned by ``scope`` (None: everyone), optionally only ``ids``."""
        query = select(Customer.id, Customer.external_id, Customer.name, Customer.owner_id)
        if scope is not None:
            query = query.where(Customer.owner_id.in_(sorted(scope) or [-1]))
        if ids is not None:
            query = query.where(Customer.id.in_(sorted(ids) or [-1]))
        return {
            row.id: CustomerRef(row.id, row.external_id, row.name, row.owner_id)
            for row in self.session.execute(query)
        }

    def promises_marker(self) -> str:
        """Changes whenever a promise is recorded or its status refreshed (ADR 0022 keeps promises
        out of the book's version, but a broken promise moves a segment)."""
        count, latest = self.session.execute(
            select(func.count(PromiseToPay.id), func.max(PromiseToPay.updated_at))
        ).one()
        return f"{count}@{latest.isoformat() if latest else '-'}"
