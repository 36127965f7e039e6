"""What the matcher reads and what it returns, as plain records (amounts in integer minor units)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dunwell.core.settlement import SettleReason


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open invoice or credit memo (credit memos have a negative ``open_minor``)."""

    item_id: str  # the document number customers quote
    customer_id: str
    currency: str
    open_minor: int
    amount_minor: int  # the original amount
    issue_date: date
    due_date: date
    po_number: str | None = None
    #: An early-payment discount: the amount off if paid by ``discount_until``.
    discount_minor: int = 0
    discount_until: date | None = None


@dataclass(frozen=True, slots=True)
class CustomerProfile:
    customer_id: str
    name: str
    accounts: tuple[str, ...] = ()  # bank accounts / IBANs it has paid from
    aliases: tuple[str, ...] = ()  # payer names confirmed for it
    parent_id: str | None = None  # the group company that may pay for it


@dataclass(frozen=True, slots=True)
class RemittedItem:
    """An open item the payer's structured remittance says the payment settles (X12 ``RMR``, a
    lockbox invoice line), amounts in integer minor units (None: not stated)."""

    reference: str  # the document number as the payer sent it
    paid_minor: int | None
    invoiced_minor: int | None
    discount_minor: int | None
    adjustment_minor: int | None  # signed as sent: negative reduces what is owed
    adjustment_reason: str | None


@dataclass(frozen=True, slots=True)
class IncomingPayment:
    payment_ref: str  # the statement's entry reference, else "file:line"
    amount_minor: int  # > 0
    currency: str
    value_date: date
    payer_name: str | None = None
    payer_account: str | None = None
    remittance: str = ""
    structured_reference: str | None = None
    remittance_items: tuple[RemittedItem, ...] = ()


class MatchStatus(StrEnum):
    AUTO = "auto"  # applied without a person
    SUGGESTED = "suggested"  # ranked alternatives wait for a person
    UNMATCHED = "unmatched"  # nothing worth suggesting; ``reason`` says why


@dataclass(frozen=True, slots=True)
class Evidence:
    """One signal that fired, with its value as found and its weight in the score."""

    signal: str  # e.g. "reference_exact", "payer_account", "amount_exact", "payer_name"
    detail: str  # e.g. "INV-00123 in remittance", "similarity 0.93 to 'Acme Corp'"
    weight: float


@dataclass(frozen=True, slots=True)
class ProposedAllocation:
    item_id: str
    amount_minor: int  # applied to the item (negative for a credit memo netted)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to explain a payment: who paid, which items it settles, and what is left over."""

    customer_id: str
    allocations: tuple[ProposedAllocation, ...]
    confidence: float  # calibrated probability that this candidate is right
    evidence: tuple[Evidence, ...]
    score: float = 0.0  # the sum of the evidence weights, before calibration
    unapplied_minor: int = 0  # overpayment or a partial payment left on account
    #: A short payment within tolerance: the difference to write off, and why (bank fee, discount).
    write_off_minor: int = 0
    write_off_reason: str | None = None
    #: The same difference per item, with its reason code: what the settlement service posts.
    write_offs: tuple[WriteOffLine, ...] = ()


@dataclass(frozen=True, slots=True)
class WriteOffLine:
    """What a candidate leaves to settle on one item without cash, and why."""

    item_id: str
    amount_minor: int
    reason: SettleReason


@dataclass(frozen=True, slots=True)
class MatchResult:
    payment_ref: str
    status: MatchStatus
    candidates: tuple[Candidate, ...]  # best first; at most 3 for a suggestion
    reason: str | None = None  # why it is not auto (or unmatched)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None
