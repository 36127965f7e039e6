"""All SQL behind a customer's page: open items with their latest stored prediction, and the
documents, cash and cash-application events of its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from dunwell.core.documents import DocumentStatus
from dunwell.orm.cashapp import CashMatch
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment
from dunwell.orm.prediction import InvoicePrediction


@dataclass(frozen=True, slots=True)
class OpenItem:
    invoice: Invoice
    prediction: InvoicePrediction | None


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_items(self, customer_id: int) -> list[OpenItem]:
        latest = (
            select(func.max(InvoicePrediction.id).label("id"))
            .join(Invoice, Invoice.id == InvoicePrediction.invoice_id)
            .where(Invoice.customer_id == customer_id)
            .group_by(InvoicePrediction.invoice_id)
            .subquery()
        )
        predicted = select(InvoicePrediction).join(latest, latest.c.id == InvoicePrediction.id).subquery()
        prediction = aliased(InvoicePrediction, predicted)
        query = (
            select(Invoice, prediction)
            .outerjoin(prediction, prediction.invoice_id == Invoice.id)
            .where(
                Invoice.customer_id == customer_id,
                Invoice.status != DocumentStatus.CLEARED,
                Invoice.open_amount_minor != 0,
            )
            .order_by(Invoice.due_date, Invoice.id)
        )
        return [OpenItem(invoice, found) for invoice, found in self.session.execute(query)]

    def invoices(self, customer_id: int, *, limit: int) -> list[Invoice]:
        query = (
            select(Invoice)
            .where(Invoice.customer_id == customer_id)
            .order_by(Invoice.issue_date.desc(), Invoice.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def invoice_of(self, customer_id: int, invoice_ids: list[int]) -> list[Invoice]:
        if not invoice_ids:
            return []
        query = select(Invoice).where(Invoice.customer_id == customer_id, Invoice.id.in_(invoice_ids))
        return list(self.session.scalars(query))

    def payments(self, customer_id: int, *, limit: int) -> list[Payment]:
        query = (
            select(Payment)
            .where(Payment.customer_id == customer_id)
            .order_by(Payment.value_date.desc(), Payment.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def allocations(self, customer_id: int, *, limit: int) -> list[tuple[Allocation, str]]:
        query = (
            select(Allocation, Invoice.number)
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(Invoice.customer_id == customer_id)
            .order_by(Allocation.applied_on.desc(), Allocation.id.desc())
            .limit(limit)
        )
        return [(allocation, number) for allocation, number in self.session.execute(query)]

    def cash_matches(self, customer_id: int, *, limit: int) -> list[tuple[CashMatch, Payment]]:
        query = (
            select(CashMatch, Payment)
            .join(Payment, Payment.id == CashMatch.payment_id)
            .where(CashMatch.customer_id == customer_id)
            .order_by(CashMatch.matched_at.desc())
            .limit(limit)
        )
        return [(match, payment) for match, payment in self.session.execute(query)]

    def last_activity(self, customer_id: int) -> date | None:
        return self.session.scalar(
            select(func.max(Payment.value_date)).where(Payment.customer_id == customer_id)
        )
