"""All SQL about payments and allocations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, DateTime, case, func, insert, literal, select, update
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind, SettlementKind
from dunwell.kit.bulk import insert_rows, insert_rows_with_ids, one_of
from dunwell.orm.base import table_of, utcnow
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment


@dataclass(frozen=True, slots=True)
class StoredPayment:
    id: int
    natural_key: str
    currency: str
    amount_minor: int
    unapplied_minor: int
    source_hash: str | None


class PaymentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_natural_keys(self, entity_id: int, keys: Iterable[str]) -> dict[str, StoredPayment]:
        rows = self.session.execute(
            select(
                Payment.id,
                Payment.natural_key,
                Payment.currency,
                Payment.amount_minor,
                Payment.unapplied_minor,
                Payment.source_hash,
            ).where(Payment.entity_id == entity_id, one_of(self.session, Payment.natural_key, set(keys)))
        )
        return {row[1]: StoredPayment(*row) for row in rows}

    def get_for_update(self, payment_id: int) -> Payment | None:
        return self.session.get(Payment, payment_id, with_for_update=True)

    def insert_many(self, values: list[dict[str, Any]]) -> list[int]:
        """Bulk-insert payments; returns their ids in the order of ``values``."""
        return insert_rows_with_ids(self.session, table_of(Payment), values)

    def update_one(self, payment_id: int, values: dict[str, Any]) -> None:
        self.session.execute(update(Payment).where(Payment.id == payment_id).values(**values))

    def insert_allocations(self, values: list[dict[str, Any]]) -> None:
        insert_rows(self.session, table_of(Allocation), values)

    def post_implied_settlements(self, invoice_ids: list[int], *, as_of: date, actor: str) -> None:
        """Allocate what new documents' amounts say is already settled, in one statement.

        For a document imported with ``open < amount``: the settled part is an allocation of kind
        payment (credit for a credit memo) on its clearing date (the paid date), or else on the
        import's as-of date, never before the issue date. No Python runs per row.
        """
        if not invoice_ids:
            return
        inv = table_of(Invoice).c
        on_as_of = case((inv.issue_date > as_of, inv.issue_date), else_=literal(as_of, Date))
        rows = select(
            inv.id,
            case(
                (inv.kind == DocumentKind.INVOICE.value, SettlementKind.PAYMENT.value),
                else_=SettlementKind.CREDIT.value,
            ),
            inv.currency,
            inv.amount_minor - inv.open_amount_minor,
            func.coalesce(inv.cleared_on, on_as_of),
            literal(actor),
            literal(utcnow(), DateTime(timezone=True)),
        ).where(one_of(self.session, inv.id, invoice_ids), inv.amount_minor != inv.open_amount_minor)
        target = table_of(Allocation)
        columns = ["invoice_id", "kind", "currency", "amount_minor", "applied_on", "applied_by", "applied_at"]
        self.session.execute(insert(target).from_select(columns, rows))
