"""The rules every allocation obeys, as pure functions over amounts.

An allocation moves part of a payment's unapplied cash onto a document's open amount. The
invariants, checked here and property-tested: an allocation never exceeds the payment's unapplied
amount nor the document's open amount, never changes sign, and the currencies match. Problems are
returned as values so a caller can show every reason at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dunwell.core.documents import DocumentStatus


@dataclass(frozen=True, slots=True)
class AllocationProblem:
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class OpenBalance:
    """A document's position: ``open = amount - allocated`` (same sign as ``amount``)."""

    amount: Decimal
    allocated: Decimal
    currency: str
    issue_date: date

    @property
    def open(self) -> Decimal:
        return self.amount - self.allocated


@dataclass(frozen=True, slots=True)
class CashBalance:
    """A payment's position: ``unapplied = amount - applied``."""

    amount: Decimal
    applied: Decimal
    currency: str

    @property
    def unapplied(self) -> Decimal:
        return self.amount - self.applied


def check_allocation(
    document: OpenBalance, cash: CashBalance, amount: Decimal, *, applied_on: date
) -> list[AllocationProblem]:
    """Why allocating ``amount`` of ``cash`` to an invoice ``document`` is not allowed (empty: allowed)."""
    problems: list[AllocationProblem] = []
    if document.currency != cash.currency:
        problems.append(
            AllocationProblem(
                "currency_mismatch", f"payment is in {cash.currency}, the document in {document.currency}"
            )
        )
    if amount <= 0:
        problems.append(
            AllocationProblem("not_positive", f"allocation amount must be positive, not {amount}")
        )
    if document.amount < 0:
        problems.append(AllocationProblem("not_an_invoice", "cash is applied to invoices, not credit memos"))
    if amount > cash.unapplied:
        problems.append(
            AllocationProblem("exceeds_payment", f"{amount} exceeds the payment's unapplied {cash.unapplied}")
        )
    if amount > document.open:
        problems.append(
            AllocationProblem("exceeds_open", f"{amount} exceeds the document's open amount {document.open}")
        )
    if applied_on < document.issue_date:
        problems.append(
            AllocationProblem(
                "before_issue", f"applied on {applied_on}, before the issue date {document.issue_date}"
            )
        )
    return problems


def check_reversal(*, already_reversed: bool, reversed_on: date, applied_on: date) -> list[AllocationProblem]:
    """Why an allocation cannot be reversed on ``reversed_on`` (empty: it can)."""
    problems: list[AllocationProblem] = []
    if already_reversed:
        problems.append(AllocationProblem("already_reversed", "the allocation was already reversed"))
    if reversed_on < applied_on:
        problems.append(
            AllocationProblem(
                "before_applied", f"cannot reverse on {reversed_on}, before it was applied on {applied_on}"
            )
        )
    return problems


def document_status(amount: Decimal | int, open_amount: Decimal | int) -> DocumentStatus:
    """OPEN (nothing settled), PARTIAL, or CLEARED (nothing left)."""
    if open_amount == 0:
        return DocumentStatus.CLEARED
    if open_amount == amount:
        return DocumentStatus.OPEN
    return DocumentStatus.PARTIAL
