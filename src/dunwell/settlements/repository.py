"""All SQL of the settlement service: documents, payments and allocations locked for a change,
and write-off requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment
from dunwell.orm.settlement import WriteOff, WriteOffStatus


class SettlementRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def document_for_update(self, document_id: int) -> Invoice | None:
        return self.session.get(Invoice, document_id, with_for_update=True)

    def document(self, document_id: int) -> Invoice | None:
        return self.session.get(Invoice, document_id)

    def documents_by_number(self, number: str, *, entity: str | None = None) -> list[Invoice]:
        stmt = select(Invoice).where(Invoice.number == number)
        if entity is not None:
            stmt = stmt.join(LegalEntity, LegalEntity.id == Invoice.entity_id).where(
                LegalEntity.code == entity
            )
        return list(self.session.scalars(stmt.order_by(Invoice.id)))

    def payment_for_update(self, payment_id: int) -> Payment | None:
        return self.session.get(Payment, payment_id, with_for_update=True)

    def add_allocation(self, allocation: Allocation) -> Allocation:
        self.session.add(allocation)
        self.session.flush()
        return allocation

    def allocation_for_update(self, allocation_id: int) -> Allocation | None:
        return self.session.get(Allocation, allocation_id, with_for_update=True)

    def add_write_off(self, write_off: WriteOff) -> WriteOff:
        self.session.add(write_off)
        self.session.flush()
        return write_off

    def write_off_for_update(self, write_off_id: int) -> WriteOff | None:
        return self.session.get(WriteOff, write_off_id, with_for_update=True)

    def write_off_of_allocation(self, allocation_id: int) -> WriteOff | None:
        return self.session.scalars(
            select(WriteOff).where(WriteOff.allocation_id == allocation_id).with_for_update()
        ).first()

    def write_offs(
        self,
        *,
        status: WriteOffStatus | None = None,
        disputes_only: bool = False,
        limit: int | None = None,
        write_off_id: int | None = None,
    ) -> list[tuple[WriteOff, str, str]]:
        """Write-off requests, newest first, with their invoice's number and entity code."""
        stmt = (
            select(WriteOff, Invoice.number, LegalEntity.code)
            .join(Invoice, Invoice.id == WriteOff.invoice_id)
            .join(LegalEntity, LegalEntity.id == Invoice.entity_id)
            .order_by(WriteOff.id.desc())
        )
        if status is not None:
            stmt = stmt.where(WriteOff.status == status)
        if disputes_only:
            stmt = stmt.where(WriteOff.dispute_candidate.is_(True))
        if write_off_id is not None:
            stmt = stmt.where(WriteOff.id == write_off_id)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [(w, number, code) for w, number, code in self.session.execute(stmt)]

    def write_offs_of_payment(self, payment_id: int) -> list[WriteOff]:
        return list(
            self.session.scalars(
                select(WriteOff)
                .where(WriteOff.payment_id == payment_id)
                .order_by(WriteOff.id)
                .with_for_update()
            )
        )
