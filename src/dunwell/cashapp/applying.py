"""Posting a matched candidate: credit memos netted against its invoices, cash on the rest, and
the remainder a short payment leaves proposed for write-off.

The matcher explains a payment as items that add up to it: invoices (positive) and credit memos the
customer deducted (negative). The books need three kinds of settlement for that, all posted by the
settlement service: each memo is consumed against the invoices it was deducted from (a ``credit``
allocation on both documents), the cash covers what remains, and what the cash leaves on an
invoice for a reason the matcher found (a bank fee, a discount, a stated deduction) is proposed
as a write-off: posted at once within the company's policy, else left for a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentKind
from dunwell.core.money import Money
from dunwell.core.settlement import SettlementPolicy, SettleReason
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Payment
from dunwell.orm.settlement import WriteOffStatus
from dunwell.settlements import write_offs
from dunwell.settlements.policy import DEFAULT_POLICY
from dunwell.settlements.posting import AllocationRefused, allocate, apply_credit
from dunwell.settlements.repository import SettlementRepository

#: One line of what a candidate leaves to settle without cash: (document id, minor units, reason).
WriteOffItem = tuple[int, int, SettleReason]


@dataclass(frozen=True, slots=True)
class Posted:
    allocation_ids: list[int]
    cash_minor: int  # applied from the payment
    credit_minor: int  # credit memos consumed
    uncovered_minor: int  # invoice amounts the candidate named that stay open (short payment)
    write_off_ids: list[int] = field(default_factory=list)
    written_off_minor: int = 0  # posted within policy
    awaiting_approval_minor: int = 0  # proposed above policy: a person decides


def post_candidate(
    session: Session,
    payment: Payment,
    items: list[tuple[int, int]],
    *,
    actor: str,
    write_off_items: Sequence[WriteOffItem] = (),
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> Posted:
    """Apply ``items`` (document id, amount in minor units; memos negative) of ``payment``, then
    propose ``write_off_items`` for what the cash leaves on those invoices.

    Refuses (``AllocationRefused``) before writing anything when a document is no longer open
    enough or is in another currency: the candidate was computed on a book that has since changed.
    """
    repo = SettlementRepository(session)
    documents = {doc_id: _document(repo, doc_id) for doc_id, _ in items}
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
            memo, invoice = documents[memo_id], documents[invoice_id]
            on = max(payment.value_date, invoice.issue_date, memo.issue_date)
            ids.extend(
                apply_credit(
                    session,
                    memo=memo,
                    invoice=invoice,
                    amount_minor=take,
                    on=on,
                    actor=actor,
                    payment_id=payment.id,
                )
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
    posted = Posted(ids, cash_total, credit_total, sum(need.values()))
    return _settle_rest(session, payment, documents, posted, write_off_items, actor, policy)


def _settle_rest(
    session: Session,
    payment: Payment,
    documents: dict[int, Invoice],
    posted: Posted,
    write_off_items: Sequence[WriteOffItem],
    actor: str,
    policy: SettlementPolicy,
) -> Posted:
    """Propose each write-off line on what its invoice still has open (never more)."""
    ids, settled, waiting = [], 0, 0
    for invoice_id, amount, reason in write_off_items:
        invoice = documents.get(invoice_id)
        amount = min(amount, invoice.open_amount_minor if invoice is not None else 0)
        if invoice is None or amount <= 0:
            continue
        request = write_offs.propose(
            session,
            invoice_id=invoice_id,
            amount_minor=amount,
            reason=reason,
            effective_on=max(payment.value_date, invoice.issue_date),
            actor=actor,
            payment_id=payment.id,
            note=f"short payment {payment.bank_reference or payment.natural_key}",
            policy=policy,
        )
        ids.append(request.id)
        if request.status is WriteOffStatus.POSTED:
            settled += amount
        else:
            waiting += amount
    return replace(posted, write_off_ids=ids, written_off_minor=settled, awaiting_approval_minor=waiting)


def check_candidate(session: Session, payment: Payment, items: list[tuple[int, int]]) -> list[str]:
    """Why ``post_candidate`` would refuse ``items`` now (empty: it would not)."""
    repo = SettlementRepository(session)
    documents = {doc_id: repo.document(doc_id) for doc_id, _ in items}
    missing = [f"document {doc_id} no longer exists" for doc_id, doc in documents.items() if doc is None]
    return missing or _problems(payment, {k: v for k, v in documents.items() if v is not None}, items)


def _document(repo: SettlementRepository, document_id: int) -> Invoice:
    document = repo.document_for_update(document_id)
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
