"""Bank statements as plain records, whatever file format they came in.

Every reader (camt, BAI2, MT940/942, OFX, CSV/XLSX) returns a ``StatementFile``: the statements it
found, each with its transactions, balances and the control totals the file states, and the
problems it met. Amounts are ``Decimal`` in major units, always positive, with a direction;
``BankTransaction.signed`` gives the balance effect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    CREDIT = "credit"  # money in: what cash application matches
    DEBIT = "debit"


class StatementFormat(StrEnum):
    CAMT052 = "camt.052"
    CAMT053 = "camt.053"
    CAMT054 = "camt.054"
    BAI2 = "bai2"
    MT940 = "mt940"
    MT942 = "mt942"
    OFX = "ofx"
    CSV = "csv"
    XLSX = "xlsx"
    QIF = "qif"


@dataclass(frozen=True, slots=True)
class RemittanceItem:
    """One open item a payment says it settles, as structured remittance gives it (X12 820 ``RMR``
    with its ``ADX`` adjustments, a lockbox invoice line). Amounts in major units, None when not
    stated; ``adjustment`` is signed as sent (negative reduces what is owed)."""

    reference: str  # the invoice (or other document) number as sent
    paid: Decimal | None = None
    invoiced: Decimal | None = None  # the document's amount before discount
    discount: Decimal | None = None
    adjustment: Decimal | None = None
    adjustment_reason: str | None = None  # the sender's reason code(s), e.g. "01" (X12 426)


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """One entry of a statement."""

    line: int  # 1-based line (or row, or XML element line) where the entry starts in the file
    value_date: date
    amount: Decimal  # > 0 (a zero entry is reported as a problem, not kept)
    direction: Direction
    currency: str
    booking_date: date | None = None
    #: The bank's reference for the entry (camt NtryRef/AcctSvcrRef, BAI2 bank reference, MT940
    #: bank reference, OFX FITID): the payment's key in matches (else ``file:line``).
    entry_ref: str | None = None
    payer_name: str | None = None  # the counterparty (debtor for a credit)
    payer_account: str | None = None  # its IBAN or account number
    remittance: str = ""  # unstructured remittance text, lines joined by spaces
    structured_reference: str | None = None  # a creditor reference (ISO 11649 "RF..." or national)
    end_to_end_id: str | None = None
    bank_code: str | None = None  # the bank transaction code as the file has it
    reversal: bool = False  # a return or reversal of an earlier entry
    #: The entry's text exactly as the bank gave it (BAI2: the 16 record's text with its 88s), where
    #: a reader splits it into payer, remittance and items; "" where the format has no such text.
    bank_text: str = ""
    remittance_items: tuple[RemittanceItem, ...] = ()

    @property
    def signed(self) -> Decimal:
        return self.amount if self.direction is Direction.CREDIT else -self.amount


@dataclass(frozen=True, slots=True)
class ControlTotals:
    """What the file says about itself, to check the transactions against (None: not stated)."""

    entries: int | None = None
    credits: Decimal | None = None
    debits: Decimal | None = None
    credit_entries: int | None = None
    debit_entries: int | None = None


@dataclass(frozen=True, slots=True)
class BankStatement:
    statement_id: str | None
    account: str | None  # the company's own account (IBAN or number)
    currency: str | None
    transactions: tuple[BankTransaction, ...]
    opening: Decimal | None = None  # signed balances
    closing: Decimal | None = None
    period_start: date | None = None
    period_end: date | None = None
    control: ControlTotals = field(default_factory=ControlTotals)
    #: A report of intraday or individual notifications (camt.052/054, MT942): the transactions
    #: need not add up to a balance change.
    interim: bool = False

    @property
    def credits(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.direction is Direction.CREDIT), Decimal(0))

    @property
    def debits(self) -> Decimal:
        return sum((t.amount for t in self.transactions if t.direction is Direction.DEBIT), Decimal(0))


@dataclass(frozen=True, slots=True)
class StatementProblem:
    code: str  # stable, e.g. "balance_mismatch", "control_total_mismatch", "bad_entry"
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class StatementFile:
    format: StatementFormat
    statements: tuple[BankStatement, ...]
    problems: tuple[StatementProblem, ...] = ()

    @property
    def transactions(self) -> tuple[BankTransaction, ...]:
        return tuple(t for s in self.statements for t in s.transactions)
