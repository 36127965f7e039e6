"""Applying cash: allocating payments to invoices and reversing allocations, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from dunwell.core.allocation import (
    CashBalance,
    OpenBalance,
    check_allocation,
    check_reversal,
    document_status,
)
from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money, minor_to_decimal
from dunwell.kit import audit
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation
from dunwell.payments.repository import PaymentRepository


class AllocationRefused(DunwellError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(
            "allocation refused: " + "; ".join(reasons), code="allocation_refused", kind=ErrorKind.CONFLICT
        )
        self.reasons = reasons


@dataclass(frozen=True, slots=True)
class AllocationResult:
    allocation_id: int
    invoice_open: Money
    payment_unapplied: Money


def allocate(
    session: Session,
    *,
    payment_id: int,
    invoice_id: int,
    amount: Money,
    applied_on: date,
    actor: str,
) -> AllocationResult:
    """Apply ``amount`` of a payment to an invoice; refuses (with every reason) what breaks an invariant."""
    payments = PaymentRepository(session)
    payment = payments.get_for_update(payment_id)
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if payment is None or invoice is None:
        missing = "payment" if payment is None else "invoice"
        raise DunwellError(f"{missing} not found", code=f"{missing}_not_found", kind=ErrorKind.NOT_FOUND)
    document = OpenBalance(
        amount=minor_to_decimal(invoice.amount_minor, invoice.currency),
        allocated=minor_to_decimal(invoice.amount_minor - invoice.open_amount_minor, invoice.currency),
        currency=invoice.currency,
        issue_date=invoice.issue_date,
    )
    cash = CashBalance(
        amount=minor_to_decimal(payment.amount_minor, payment.currency),
        applied=minor_to_decimal(payment.amount_minor - payment.unapplied_minor, payment.currency),
        currency=payment.currency,
    )
    reasons = [p.reason for p in check_allocation(document, cash, amount.amount, applied_on=applied_on)]
    if amount.currency != payment.currency:
        reasons.append(f"amount is in {amount.currency}, the payment in {payment.currency}")
    if reasons:
        raise AllocationRefused(reasons)
    minor = amount.to_minor()
    allocation = payments.add_allocation(
        Allocation(
            invoice_id=invoice.id,
            payment_id=payment.id,
            kind=SettlementKind.PAYMENT,
            currency=invoice.currency,
            amount_minor=minor,
            applied_on=applied_on,
            applied_by=actor,
        )
    )
    payment.unapplied_minor -= minor
    _set_open(invoice, invoice.open_amount_minor - minor, cleared_on=applied_on)
    audit.record(
        session,
        actor=actor,
        action="allocation.applied",
        subject_type="allocation",
        subject_id=allocation.id,
        details={
            "payment_id": payment.id,
            "invoice_id": invoice.id,
            "amount": str(amount.amount),
            "currency": amount.currency,
            "applied_on": applied_on.isoformat(),
        },
    )
    session.flush()
    return AllocationResult(
        allocation.id,
        Money.from_minor(invoice.open_amount_minor, invoice.currency),
        Money.from_minor(payment.unapplied_minor, payment.currency),
    )


def reverse_allocation(
    session: Session, allocation_id: int, *, reversed_on: date, actor: str, reason: str
) -> None:
    """Undo an allocation from ``reversed_on`` on; the row stays, so history before that day is intact."""
    payments = PaymentRepository(session)
    allocation = payments.get_allocation_for_update(allocation_id)
    if allocation is None:
        raise DunwellError("allocation not found", code="allocation_not_found", kind=ErrorKind.NOT_FOUND)
    problems = check_reversal(
        already_reversed=allocation.reversed_on is not None,
        reversed_on=reversed_on,
        applied_on=allocation.applied_on,
    )
    if problems:
        raise AllocationRefused([p.reason for p in problems])
    invoice = session.get(Invoice, allocation.invoice_id, with_for_update=True)
    assert invoice is not None  # enforced by the foreign key
    allocation.reversed_on = reversed_on
    allocation.reversed_by = actor
    allocation.reversed_at = datetime.now(UTC)
    allocation.reversal_reason = reason
    if allocation.payment_id is not None:
        payment = payments.get_for_update(allocation.payment_id)
        assert payment is not None
        payment.unapplied_minor += allocation.amount_minor
    _set_open(invoice, invoice.open_amount_minor + allocation.amount_minor, cleared_on=None)
    audit.record(
        session,
        actor=actor,
        action="allocation.reversed",
        subject_type="allocation",
        subject_id=allocation.id,
        details={
            "reason": reason,
            "reversed_on": reversed_on.isoformat(),
            "amount_minor": allocation.amount_minor,
            "invoice_id": invoice.id,
        },
    )
    session.flush()


def _set_open(invoice: Invoice, open_minor: int, *, cleared_on: date | None) -> None:
    invoice.open_amount_minor = open_minor
    invoice.status = document_status(invoice.amount_minor, open_minor)
    invoice.cleared_on = cleared_on if invoice.status is DocumentStatus.CLEARED else None
