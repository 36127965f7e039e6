"""Receivable documents and their settlements as plain, immutable records.

These are what the engines (metrics, matching, prediction) see: no ORM objects, no sessions. A
document's open amount on any date is derived from its settlements, which is what makes every
figure computable "as of" a past date.

Sign convention: an invoice has a positive amount, a credit memo a negative one. A settlement
reduces the magnitude of the open amount, so it carries the sign of its document (a payment
applied to an invoice is positive; a credit memo consumed against invoices is negative).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_MEMO = "credit_memo"


class DocumentStatus(StrEnum):
    """Where a document stands today; the full story is in its settlements."""

    OPEN = "open"
    PARTIAL = "partial"
    CLEARED = "cleared"


class SettlementKind(StrEnum):
    """How an open amount was reduced."""

    PAYMENT = "payment"
    CREDIT = "credit"  # a credit memo applied to an invoice
    WRITE_OFF = "write_off"  # bad debt or a small-balance write-off
    DEDUCTION = "deduction"  # accepted short-pay (bank fee, discount taken)
    #: A correction from an ERP snapshot showing a document open again (opposite sign to the document).
    ADJUSTMENT = "adjustment"


class GroupDimension(StrEnum):
    """The dimensions metrics can be broken down by."""

    ENTITY = "entity"
    CUSTOMER = "customer"
    SEGMENT = "segment"
    COLLECTOR = "collector"


@dataclass(frozen=True, slots=True)
class Settlement:
    """One reduction of a document's open amount, effective on ``on``.

    ``reversed_on`` is set when the settlement was undone (a reversed allocation); from that day on
    it no longer counts.
    """

    on: date
    amount: Decimal
    kind: SettlementKind = SettlementKind.PAYMENT
    reversed_on: date | None = None

    def in_effect(self, as_of: date) -> bool:
        return self.on <= as_of and (self.reversed_on is None or self.reversed_on > as_of)


_NO_GROUPS: Mapping[GroupDimension, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ReceivableDocument:
    """An invoice or credit memo with its settlement history, in one currency."""

    key: str
    kind: DocumentKind
    issue_date: date
    due_date: date
    amount: Decimal
    currency: str
    settlements: tuple[Settlement, ...] = ()
    groups: Mapping[GroupDimension, str] = field(default_factory=lambda: _NO_GROUPS)

    def settled_as_of(self, as_of: date) -> Decimal:
        """Sum of the settlements in effect at the end of ``as_of``."""
        return sum((s.amount for s in self.settlements if s.in_effect(as_of)), Decimal(0))

    def open_as_of(self, as_of: date) -> Decimal:
        """Open amount at the end of ``as_of``; zero for a document not yet issued then."""
        if self.issue_date > as_of:
            return Decimal(0)
        return self.amount - self.settled_as_of(as_of)

    def days_past_due(self, as_of: date) -> int:
        """``as_of - due_date`` in days; zero or negative means current."""
        return (as_of - self.due_date).days
