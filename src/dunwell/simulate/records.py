"""The simulator's records: what a generated company holds, truth included."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dunwell.simulate.behaviour import Behaviour
from dunwell.simulate.presets import Entity, Terms
from dunwell.simulate.subscriptions import ChargeAttempt, Subscription


@dataclass(frozen=True, slots=True)
class SimCustomer:
    customer_id: str
    name: str
    entity: str
    country: str
    currency: str
    time_zone: str
    terms: str
    size: str
    industry: str
    credit_limit: Decimal
    joined: date
    behaviour: Behaviour
    terms_detail: Terms
    amount_scale: float
    invoices_per_month: float
    account: str  # the bank account it usually pays from
    subscription: Subscription | None = None
    parent_id: str | None = None  # the group company (a large customer) that may pay for it


@dataclass(frozen=True, slots=True)
class SimContact:
    contact_id: str
    customer_id: str
    name: str
    email: str
    phone: str
    natural_person: bool
    role: str


@dataclass(slots=True)
class SimInvoice:
    """An invoice or credit memo and, as the simulation runs, what has been paid on it (mutable
    while generating). A credit memo has a negative amount and names the invoice it credits; it is
    consumed (``paid_date``) when the customer nets it in a payment, or at once when it cancels
    the whole invoice."""

    invoice_id: str
    customer: SimCustomer
    issue_date: date
    due_date: date
    amount: Decimal
    po_number: str | None
    disputed: bool
    paid: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)
    paid_date: date | None = None
    #: (day, amount) of each instalment received, in order.
    instalments: list[tuple[date, Decimal]] = field(default_factory=list)
    #: (day, amount) of each instalment as the customer would pay it with no extra collection
    #: work, including days after the simulated period; empty when it is never paid.
    plan: list[tuple[date, Decimal]] = field(default_factory=list)
    document_type: str = "invoice"  # or "credit_memo"
    #: For an invoice: the credit memo issued against it. For a credit memo: the invoice it credits.
    credit: SimInvoice | None = None

    @property
    def cancelled(self) -> bool:
        """An invoice cancelled in full by a credit memo: nothing is ever collected on it."""
        credit = self.credit
        return self.document_type == "invoice" and credit is not None and -credit.amount >= self.amount

    def open_amount(self, as_of: date | None = None) -> Decimal:
        """Open on ``as_of`` (None: at the end of the simulation); discounts and fees count as settled."""
        if self.paid_date is not None and (as_of is None or self.paid_date <= as_of):
            return Decimal("0.00")
        received = sum((a for day, a in self.instalments if as_of is None or day <= as_of), Decimal(0))
        return self.amount - received


@dataclass(frozen=True, slots=True)
class SimPayment:
    payment_id: str
    customer_id: str  # who owes the invoices paid (truth: the statement shows only the payer)
    entity: str
    value_date: date
    amount: Decimal
    currency: str
    payer_name: str
    payer_account: str
    remittance_text: str
    #: An ISO 11649 creditor reference (RF...) the payer quoted, shown as structured remittance.
    structured_reference: str = ""


@dataclass(frozen=True, slots=True)
class AllocationTruth:
    payment_id: str
    invoice_id: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Company:
    preset: str
    entities: tuple[Entity, ...]
    seed: int
    months: int
    start: date
    end: date
    customers: list[SimCustomer]
    contacts: list[SimContact]
    invoices: list[SimInvoice]
    payments: list[SimPayment]
    allocations: list[AllocationTruth]
    charge_attempts: list[ChargeAttempt] = field(default_factory=list)
    credit_memos: list[SimInvoice] = field(default_factory=list)
