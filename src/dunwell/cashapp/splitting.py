"""A person applies one payment over documents they choose, with the amounts they type.

The matcher's candidates are one way to explain a payment; a person who knows better (a remittance
by e-mail, a phone call) splits it by hand. Every line is checked before anything is written: the
document is open by at least that much, it is in the payment's currency and entity, its customer is
in the person's portfolio, and together the lines take no more than the payment has unapplied.
Invoices take positive amounts; a credit memo the customer deducted takes a negative amount (the
credit netted), like the matcher's candidates. The settlement service posts it (``allocate`` for
cash, ``apply_credit`` for memos), in the person's name; a matching run leaves the rest of the
payment to people from then on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from dunwell.cashapp.applying import post_candidate
from dunwell.cashapp.repository import CashAppRepository
from dunwell.cashapp.scope import require_payment
from dunwell.cashapp.workplace_repository import WorkplaceRepository
from dunwell.core.access import Principal
from dunwell.core.documents import DocumentKind
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money
from dunwell.kit import audit
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Payment
from dunwell.settlements.repository import SettlementRepository

#: More lines than anyone types by hand: a larger split is a file to import, not a form.
MAX_LINES = 100


@dataclass(frozen=True, slots=True)
class SplitLine:
    invoice_id: int
    amount: Decimal  # in the payment's currency; negative for a credit memo


@dataclass(frozen=True, slots=True)
class SplitResult:
    payment_id: int
    currency: str
    allocation_ids: list[int]
    applied_minor: int  # cash applied from the payment
    unapplied_minor: int  # what the payment has left

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def split_payment(
    session: Session, principal: Principal, payment_id: int, lines: Sequence[SplitLine]
) -> SplitResult:
    """Apply ``lines`` of payment ``payment_id`` in ``principal``'s name, or refuse with every reason."""
    principal.require_write()
    repo = CashAppRepository(session)
    owners = WorkplaceRepository(session)
    settlements = SettlementRepository(session)
    payment = settlements.payment_for_update(payment_id)
    if payment is None:
        raise _not_found(payment_id)
    match = repo.matches_for([payment.id]).get(payment.id)
    best = match.customer_id if match else None
    require_payment(owners, principal, assigned=payment.customer_id, best=best, what=f"payment {payment_id}")
    documents = _documents(settlements, principal, owners, payment, lines)
    items = _items(payment, documents, lines)
    unapplied_before = payment.unapplied_minor
    posted = post_candidate(session, payment, items, actor=principal.actor)
    customers = {d.customer_id for d in documents.values()}
    if payment.customer_id is None and len(customers) == 1:
        payment.customer_id = customers.pop()  # the person said whose cash it is
    audit.record(
        session,
        actor=principal.actor,
        action="cashapp.split",
        subject_type="payment",
        subject_id=payment.id,
        details={
            "lines": [{"invoice_id": i, "number": documents[i].number, "amount_minor": a} for i, a in items],
            "allocation_ids": posted.allocation_ids,
            "currency": payment.currency,
            "applied_minor": unapplied_before - payment.unapplied_minor,
        },
    )
    session.flush()
    return SplitResult(
        payment_id=payment.id,
        currency=payment.currency,
        allocation_ids=posted.allocation_ids,
        applied_minor=unapplied_before - payment.unapplied_minor,
        unapplied_minor=payment.unapplied_minor,
    )


def _documents(
    settlements: SettlementRepository,
    principal: Principal,
    repo: WorkplaceRepository,
    payment: Payment,
    lines: Sequence[SplitLine],
) -> dict[int, Invoice]:
    """The documents named, locked; one outside the portfolio or the payment's entity is not found."""
    if not lines:
        raise _invalid(["name at least one document and an amount"])
    if len(lines) > MAX_LINES:
        raise _invalid([f"at most {MAX_LINES} lines in one split"])
    documents: dict[int, Invoice] = {}
    for line in lines:
        document = settlements.document_for_update(line.invoice_id)
        if document is None or document.entity_id != payment.entity_id:
            raise DunwellError(
                f"no document {line.invoice_id}", code="invoice_not_found", kind=ErrorKind.NOT_FOUND
            )
        documents[document.id] = document
    owners = repo.customer_owners(d.customer_id for d in documents.values())
    for document in documents.values():
        principal.require_customer(owners.get(document.customer_id), write=True)
    return documents


def _items(
    payment: Payment, documents: dict[int, Invoice], lines: Sequence[SplitLine]
) -> list[tuple[int, int]]:
    """The lines as (document id, minor units), after checking each against its document and the
    payment; every problem at once, so the person fixes the form in one go."""
    reasons: list[str] = []
    items: list[tuple[int, int]] = []
    seen: set[int] = set()
    for line in lines:
        document = documents[line.invoice_id]
        if document.id in seen:
            reasons.append(f"{document.number} is named twice")
            continue
        seen.add(document.id)
        minor = _minor(line.amount, payment.currency, document.number, reasons)
        if minor is None:
            continue
        if document.currency != payment.currency:
            reasons.append(f"{document.number} is in {document.currency}, the payment in {payment.currency}")
            continue
        memo = document.kind is DocumentKind.CREDIT_MEMO
        if minor == 0 or (minor < 0) != memo:
            sign = "negative (the credit netted)" if memo else "positive"
            reasons.append(f"{document.number} is a {document.kind.value}: its amount must be {sign}")
            continue
        if abs(minor) > abs(document.open_amount_minor):
            reasons.append(
                f"{document.number} has {_money(abs(document.open_amount_minor), document)} open, "
                f"less than the {_money(abs(minor), document)} typed"
            )
            continue
        items.append((document.id, minor))
    total = sum(minor for _, minor in items)
    if not reasons and total <= 0:
        reasons.append("the lines take no cash from the payment: credit memos only net against invoices")
    if total > payment.unapplied_minor:
        reasons.append(
            f"the lines take {Money.from_minor(total, payment.currency)}, more than the payment's "
            f"unapplied {Money.from_minor(payment.unapplied_minor, payment.currency)}"
        )
    if reasons:
        raise _invalid(reasons)
    return items


def _minor(amount: Decimal, currency: str, number: str, reasons: list[str]) -> int | None:
    try:
        return Money(Decimal(amount), currency).to_minor()
    except (ValueError, InvalidOperation, TypeError):
        reasons.append(f"{number}: {amount} is not an amount in {currency}")
        return None


def _money(minor: int, document: Invoice) -> Money:
    return Money.from_minor(minor, document.currency)


def _invalid(reasons: list[str]) -> DunwellError:
    return DunwellError("cannot split: " + "; ".join(reasons), code="split_invalid", kind=ErrorKind.INVALID)


def _not_found(payment_id: int) -> DunwellError:
    return DunwellError(f"no payment {payment_id}", code="payment_not_found", kind=ErrorKind.NOT_FOUND)
