"""Posting a matched candidate: credit memos netted against its invoices, then cash on the rest.

The matcher explains a payment as items that add up to it: invoices (positive) and credit memos the
customer deducted (negative). The books need two kinds of settlement for that: each memo is
consumed against the invoices it was deducted from (a ``credit`` allocation on both documents), and
the cash covers what remains (``payments.service.allocate``). Whatever the cash does not cover (a
short payment suggested for write-off) stays open until a person approves the write-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from dunwell.core.allocation import document_status
from dunwell.core.documents import DocumentKind, DocumentStatus, SettlementKind
from dunwell.core.money import Money
from dunwell.kit import audit
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment
from dunwell.payments.repository import PaymentRepository
from dunwell.payments.service import AllocationRefused, allocate


@dataclass(frozen=True, slots=True)
class Posted:
    allocation_ids: list[int]
    cash_minor: int  # applied from the payment
    credit_minor: int  # credit memos consumed
    uncovered_minor: int  # invoice amounts the candidate named that stay open (short payment)


def post_candidate(session: Session, payment: Payment, items: list[tuple[int, int]], *, actor: str) -> Posted:
    """Apply ``items`` (document id, amount in minor units; memos negative) of ``payment``.

    Refuses (``AllocationRefused``) before writing anything when a document is no longer open
    enough or is in another currency: the candidate was computed on a book that has since changed.
    """
    documents = {doc_id: _document(session, doc_id) for doc_id, _ in items}
    reasons = _problems(payment, documents, items)
    if reasons:
        raise AllocationRefused(reasons)
    need = {doc_id: amount for doc_id, amount in items if amount > 0}
    ids: list[int] = []
    credit_total = 0
    for memo_id, credit in ((doc_id, -amount) for doc_id, amount in items if amount < 0):
        for invoice_id in need:
            take = min(credit, need[invoice_id])
            if take <= 0:
                continue
            ids.extend(
                _consume_credit(session, documents[memo_id], documents[invoice_id], take, payment, actor)
            )
            need[invoice_id] -= take
            credit -= take
            credit_total += take
    cash_left = payment.unapplied_minor
    cash_total = 0
    for invoice_id, amount in need.items():
        cash = min(amount, cash_left)
        if cash <= 0:
            continue
        invoice = documents[invoice_id]
        result = allocate(
            session,
            payment_id=payment.id,
            invoice_id=invoice_id,
            amount=Money.from_minor(cash, payment.currency),
            applied_on=max(payment.value_date, invoice.issue_date),
            actor=actor,
        )
        ids.append(result.allocation_id)
        need[invoice_id] -= cash
        cash_left -= cash
        cash_total += cash
    return Posted(ids, cash_total, credit_total, sum(need.values()))


def check_candidate(session: Session, payment: Payment, items: list[tuple[int, int]]) -> list[str]:
    """Why ``post_candidate`` would refuse ``items`` now (empty: it would not)."""
    documents = {doc_id: session.get(Invoice, doc_id) for doc_id, _ in items}
    missing = [f"document {doc_id} no longer exists" for doc_id, doc in documents.items() if doc is None]
    return missing or _problems(payment, {k: v for k, v in documents.items() if v is not None}, items)


def _document(session: Session, document_id: int) -> Invoice:
    document = session.get(Invoice, document_id, with_for_update=True)
    if document is None:
        raise AllocationRefused([f"document {document_id} no longer exists"])
    return document


def _problems(payment: Payment, documents: dict[int, Invoice], items: list[tuple[int, int]]) -> list[str]:
    reasons = []
    for doc_id, amount in items:
        document = documents[doc_id]
        if document.currency != payment.currency:
            reasons.append(f"{document.number} is in {document.currency}, the payment in {payment.currency}")
        is_memo = document.kind is DocumentKind.CREDIT_MEMO
        if (amount < 0) != is_memo:
            reasons.append(f"{document.number}: a {document.kind.value} cannot take {amount} minor units")
        elif abs(amount) > abs(document.open_amount_minor):
            reasons.append(
                f"{document.number} has {Money.from_minor(document.open_amount_minor, document.currency)} "
                f"open, less than the {Money.from_minor(amount, document.currency)} proposed"
            )
    cash = sum(amount for _, amount in items)
    if cash > payment.unapplied_minor:
        reasons.append(
            f"the items take {Money.from_minor(cash, payment.currency)}, more than the payment's "
            f"unapplied {Money.from_minor(payment.unapplied_minor, payment.currency)}"
        )
    return reasons


def _consume_credit(
    session: Session, memo: Invoice, invoice: Invoice, amount: int, payment: Payment, actor: str
) -> list[int]:
    """Net ``amount`` of ``memo`` against ``invoice``: one allocation on each document.

    The invoice's row names the memo (``credit_memo_id``), which is how other modules find the memo
    that settled an invoice; the memo's row carries the memo's sign, like every settlement.
    """
    on = max(payment.value_date, invoice.issue_date, memo.issue_date)
    payments = PaymentRepository(session)
    rows = [
        payments.add_allocation(
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
        for document, signed in ((invoice, amount), (memo, -amount))
    ]
    _set_open(invoice, invoice.open_amount_minor - amount, on)
    _set_open(memo, memo.open_amount_minor + amount, on)
    audit.record(
        session,
        actor=actor,
        action="allocation.credit_applied",
        subject_type="allocation",
        subject_id=rows[0].id,
        details={
            "invoice_id": invoice.id,
            "credit_memo_id": memo.id,
            "amount": str(Money.from_minor(amount, invoice.currency).amount),
            "currency": invoice.currency,
            "payment_id": payment.id,
            "applied_on": on.isoformat(),
        },
    )
    return [row.id for row in rows]


def _set_open(document: Invoice, open_minor: int, on: date) -> None:
    document.open_amount_minor = open_minor
    document.status = document_status(document.amount_minor, open_minor)
    document.cleared_on = on if document.status is DocumentStatus.CLEARED else None
