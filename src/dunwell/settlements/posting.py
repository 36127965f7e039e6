"""Posting what changes an open amount: cash, a credit memo, a deduction or write-off, a reversal.

Every change to ``open_amount_minor``, a document's status and a payment's unapplied cash happens
here, each with its allocation row (the history the aging is rebuilt from) and its audit entry.
"""

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
from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money, minor_to_decimal
from dunwell.kit import audit, book_version
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation
from dunwell.orm.settlement import WriteOffStatus
from dunwell.settlements.repository import SettlementRepository


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
    repo = SettlementRepository(session)
    payment = repo.payment_for_update(payment_id)
    invoice = repo.document_for_update(invoice_id)
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
    allocation = repo.add_allocation(
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
    _set_open(invoice, invoice.open_amount_minor - minor, on=applied_on)
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


def apply_credit(
    session: Session,
    *,
    memo: Invoice,
    invoice: Invoice,
    amount_minor: int,
    on: date,
    actor: str,
    payment_id: int | None = None,
) -> list[int]:
    """Net ``amount_minor`` of ``memo`` against ``invoice``: one allocation on each document.

    The invoice's row names the memo (``credit_memo_id``), which is how other modules find the memo
    that settled an invoice; the memo's row carries the memo's sign, like every settlement.
    """
    problems = []
    if memo.kind is not DocumentKind.CREDIT_MEMO or invoice.kind is not DocumentKind.INVOICE:
        problems.append(f"{memo.number} must be a credit memo and {invoice.number} an invoice")
    if memo.currency != invoice.currency:
        problems.append(f"{memo.number} is in {memo.currency}, {invoice.number} in {invoice.currency}")
    if not 0 < amount_minor <= min(invoice.open_amount_minor, -memo.open_amount_minor):
        problems.append(f"{amount_minor} minor units is more than {memo.number} or {invoice.number} has open")
    if problems:
        raise AllocationRefused(problems)
    repo = SettlementRepository(session)
    rows = [
        repo.add_allocation(
            Allocation(
                invoice_id=document.id,
                credit_memo_id=memo.id if document is invoice else None,
                kind=SettlementKind.CREDIT,
                currency=invoice.currency,
                amount_minor=signed,
                applied_on=on,
                applied_by=actor,
            )
        )
        for document, signed in ((invoice, amount_minor), (memo, -amount_minor))
    ]
    _set_open(invoice, invoice.open_amount_minor - amount_minor, on=on)
    _set_open(memo, memo.open_amount_minor + amount_minor, on=on)
    audit.record(
        session,
        actor=actor,
        action="allocation.credit_applied",
        subject_type="allocation",
        subject_id=rows[0].id,
        details={
            "invoice_id": invoice.id,
            "credit_memo_id": memo.id,
            "amount": str(Money.from_minor(amount_minor, invoice.currency).amount),
            "currency": invoice.currency,
            "payment_id": payment_id,
            "applied_on": on.isoformat(),
        },
    )
    return [row.id for row in rows]


def settle_without_cash(
    session: Session, *, invoice: Invoice, kind: SettlementKind, amount_minor: int, on: date, actor: str
) -> Allocation:
    """A deduction or a write-off of ``amount_minor`` on ``invoice`` (the caller audits why)."""
    problems = []
    if kind not in (SettlementKind.DEDUCTION, SettlementKind.WRITE_OFF):
        problems.append(f"{kind.value} is not a settlement without cash")
    if invoice.kind is not DocumentKind.INVOICE:
        problems.append(f"{invoice.number} is a {invoice.kind.value}: only invoices are written off")
    elif not 0 < amount_minor <= invoice.open_amount_minor:
        problems.append(
            f"{invoice.number} has {Money.from_minor(invoice.open_amount_minor, invoice.currency)} open, "
            f"less than the {Money.from_minor(amount_minor, invoice.currency)} to settle"
        )
    if on < invoice.issue_date:
        problems.append(f"{on} is before {invoice.number} was issued ({invoice.issue_date})")
    if problems:
        raise AllocationRefused(problems)
    allocation = SettlementRepository(session).add_allocation(
        Allocation(
            invoice_id=invoice.id,
            kind=kind,
            currency=invoice.currency,
            amount_minor=amount_minor,
            applied_on=on,
            applied_by=actor,
        )
    )
    _set_open(invoice, invoice.open_amount_minor - amount_minor, on=on)
    book_version.bump(session)  # the caller's audit entry bumps it too; this one does not depend on it
    return allocation


def reverse_allocation(
    session: Session, allocation_id: int, *, reversed_on: date, actor: str, reason: str
) -> Allocation:
    """Undo an allocation from ``reversed_on`` on; the row stays, so history before that day is intact.

    One row: a credit memo applied has a row on each document, and each is reversed by its id."""
    repo = SettlementRepository(session)
    allocation = repo.allocation_for_update(allocation_id)
    if allocation is None:
        raise DunwellError("allocation not found", code="allocation_not_found", kind=ErrorKind.NOT_FOUND)
    problems = check_reversal(
        already_reversed=allocation.reversed_on is not None,
        reversed_on=reversed_on,
        applied_on=allocation.applied_on,
    )
    if problems:
        raise AllocationRefused([p.reason for p in problems])
    document = repo.document_for_update(allocation.invoice_id)
    if document is None:  # the foreign key makes this a broken database, not a user error
        raise DunwellError(f"allocation {allocation.id} names no document", code="broken_allocation")
    allocation.reversed_on = reversed_on
    allocation.reversed_by = actor
    allocation.reversed_at = datetime.now(UTC)
    allocation.reversal_reason = reason
    if allocation.payment_id is not None:
        payment = repo.payment_for_update(allocation.payment_id)
        if payment is None:
            raise DunwellError(f"allocation {allocation.id} names no payment", code="broken_allocation")
        payment.unapplied_minor += allocation.amount_minor
    _set_open(document, document.open_amount_minor + allocation.amount_minor, on=None)
    write_off = repo.write_off_of_allocation(allocation.id)
    if write_off is not None:  # a write-off's posting reversed: the request says so too
        write_off.status = WriteOffStatus.REVERSED
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
            "kind": allocation.kind.value,
            "invoice_id": document.id,
        },
    )
    session.flush()
    return allocation


def _set_open(document: Invoice, open_minor: int, *, on: date | None) -> None:
    """The only assignment of an open amount and a status outside an import of the ERP's book."""
    document.open_amount_minor = open_minor
    document.status = document_status(document.amount_minor, open_minor)
    document.cleared_on = on if document.status is DocumentStatus.CLEARED else None
