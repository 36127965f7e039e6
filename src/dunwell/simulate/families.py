"""Remittance families: the simulator's payments as banks in other parts of the world show them.

A family re-renders a simulated company's payments in one bank-file STYLE (document numbering,
how payers quote numbers, the language of free text, how banks print payer names and accounts,
the statement format) while the payment behaviour stays the simulator's: the same amounts,
partials, discounts, credit memos and instalments, and so the same truth. A confidence can then be
calibrated on some families and evaluated on one it never saw.

Everything here is deterministic for (company, family, seed): each payment is rendered from its
own ``random.Random`` seeded by the family, the seed and the payment id, so a payment looks the
same whichever month is asked for (earlier months teach the accounts and names a cash team
learned); each customer and each bank account has a stable look per family the same way.

This module holds the families' style parameters and records; ``families_render.render_family``
renders a period (plus non-AR credits that must stay unmatched: interest, tax refunds,
own-account transfers, card settlements, supplier refunds) and ``families_files.statement_files``
writes it as the family's statement files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from dunwell.simulate.records import SimCustomer, SimPayment

#: Every family; "sim" is the simulator's own rendering, unchanged.
FAMILY_NAMES: tuple[str, ...] = (
    "sim",
    "erp_numbers",
    "eu_free_text",
    "bank_names",
    "us_ach",
    "sepa_structured",
)


@dataclass(frozen=True, slots=True)
class FamilyStyle:
    """What every family sets: its statement format, the numbering schemes one of which the
    company's ERP uses (none: the simulator's numbers), how payers quote a document number (the
    ways of ``families_numbers.quoted`` with their weights), and the share of the month's credits
    that are not customer payments."""

    name: str = ""
    file_format: str = "camt053"  # camt053 | bai2 | csv
    numbering: tuple[str, ...] = ()
    quotes: tuple[tuple[str, float], ...] = (("exact", 1.0),)
    extra_share: tuple[float, float] = (0.03, 0.05)
    #: The currency the family's bank books in (None: the company's); amounts stay the same.
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class ErpNumbers(FamilyStyle):
    """The company's document numbers in another ERP's format (with year and separators, prefixes
    with leading zeros, or ten plain digits), quoted the many ways payers quote them; a plain CSV
    bank export. Names and accounts as the simulator shows them."""

    name: str = "erp_numbers"
    file_format: str = "csv"
    numbering: tuple[str, ...] = ("year_dash", "re_year_slash", "inv_zeros", "inv_dash", "digits10")
    quotes: tuple[tuple[str, float], ...] = (
        ("exact", 0.40), ("no_prefix", 0.27), ("separators", 0.15), ("cut", 0.10), ("mistyped", 0.08),
    )  # fmt: skip
    #: Words payers put before the numbers ("" for none).
    lead_ins: tuple[str, ...] = ("", "", "INV ", "INVOICE ", "Inv# ", "PAYMENT FOR ", "REF ")


@dataclass(frozen=True, slots=True)
class EuFreeText(FamilyStyle):
    """German, Dutch and French payers: references buried in free text among other numbers
    (customer numbers, dates, amounts written the European way), Skonto, parents paying; camt.053
    with the debtor's name and IBAN."""

    name: str = "eu_free_text"
    numbering: tuple[str, ...] = ("year_dash_short", "re_year_slash", "digits10")
    quotes: tuple[tuple[str, float], ...] = (
        ("exact", 0.62), ("no_prefix", 0.22), ("separators", 0.06), ("mistyped", 0.06), ("cut", 0.04),
    )  # fmt: skip
    countries: tuple[tuple[str, float], ...] = (("DE", 0.5), ("NL", 0.25), ("FR", 0.25))
    currency: str | None = "EUR"
    upper_names: float = 0.4  # banks that print the debtor upper case


@dataclass(frozen=True, slots=True)
class BankNames(FamilyStyle):
    """Payer names as banks print them: upper case, with the address run in and cut at 35 or 70
    characters, legal forms abbreviated, trade names (DBA) instead of the master name, payment
    processors paying for the customer, parents paying for subsidiaries; camt.053."""

    name: str = "bank_names"
    legal_forms: tuple[str, ...] = ("Inc.", "LLC", "Corp.", "Ltd", "GmbH", "B.V.", "S.A.S.", "Co.")
    trade_name_share: float = 0.15  # customers known to their bank by a trade name
    processor_share: float = 0.08  # payments a processor makes for the customer
    address_share: float = 0.35  # banks that run the address into the name field
    cut_at: tuple[int, ...] = (35, 35, 70)


@dataclass(frozen=True, slots=True)
class UsAch(FamilyStyle):
    """A US bank's BAI2 statement: ACH CCD+/CTX with the originator as the bank prints it (its
    company name cut at 16 characters and its 10-character ORIG ID, stable per account) and X12 820
    addenda (RMR, ADX deductions), Fedwire text (B/O, OBI or ORIG/PMT DET), lockbox checks."""

    name: str = "us_ach"
    file_format: str = "bai2"
    numbering: tuple[str, ...] = ("inv_dash", "inv_zeros")
    quotes: tuple[tuple[str, float], ...] = (
        ("no_prefix", 0.45), ("exact", 0.37), ("separators", 0.08), ("cut", 0.05), ("mistyped", 0.05),
    )  # fmt: skip
    channels: tuple[tuple[str, float], ...] = (("ccd", 0.42), ("ctx", 0.15), ("wire", 0.15), ("check", 0.28))
    company_name: str = "DUNWELL DISTRIBUTION"  # the receiver, as the bank prints it
    own_account: str = "4405551234"  # the receiver's account, as 820 BPR segments quote it


@dataclass(frozen=True, slots=True)
class SepaStructured(FamilyStyle):
    """SEPA payers quoting the structured creditor reference printed on the invoice (ISO 11649 RF,
    Belgian OGM, Finnish reference numbers) in camt ``Strd/CdtrRefInf``; payments of several
    invoices and payers who ignore the reference use free text."""

    name: str = "sepa_structured"
    countries: tuple[tuple[str, float], ...] = (("DE", 0.35), ("BE", 0.25), ("FI", 0.2), ("NL", 0.2))
    currency: str | None = "EUR"
    structured_share: float = 0.75  # of the payments of one invoice that name it at all
    typed_reference_share: float = 0.3  # of the rest: the reference typed into the free text


FAMILIES: dict[str, FamilyStyle] = {
    s.name: s for s in (ErpNumbers(), EuFreeText(), BankNames(), UsAch(), SepaStructured())
}


@dataclass(frozen=True, slots=True)
class Paid:
    """One invoice a payment settles: its number in the family's scheme, what the payment applied
    to it, the invoice's amount, the discount taken on it, and its issue date."""

    number: str
    paid: Decimal
    amount: Decimal
    discount: Decimal
    issued: date


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    """What a simulated payment really was, for a style to render: ``kind`` is ``refs`` (the
    payer named the invoices), ``po`` (only their purchase orders), ``none`` (no usable
    remittance) or ``card`` (a card processor's payout)."""

    payment: SimPayment
    customer: SimCustomer
    payer: SimCustomer  # whose account paid: the customer, or its group company
    kind: str
    invoices: tuple[Paid, ...]
    memos: tuple[tuple[str, Decimal], ...]  # credit memos netted: number, (negative) amount
    po_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Shown:
    """A payment as the family's bank shows it. ``payment`` holds the payer name and account a
    reader can take from the file, the remittance and the structured reference; a BAI2 entry has
    its type code, customer reference and full text."""

    payment: SimPayment
    type_code: str = ""
    customer_ref: str = ""
    bank_text: str = ""


@dataclass(frozen=True)
class FamilyRendering:
    """A company's period in one family: renumbering (simulator id -> the family's), master names,
    the period's credits as the bank shows them (customer payments and ``extras``, the non-AR
    credits), and what earlier payments taught per customer: accounts and payer names."""

    family: FamilyStyle
    numbers: dict[str, str]
    names: dict[str, str]
    shown: list[Shown]
    extras: frozenset[str]
    accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)


def family_rng(style: FamilyStyle, seed: int, *key: object) -> random.Random:
    """The stream for one thing (a payment, a customer, an account) in a family: stable whatever
    else is rendered."""
    return random.Random("|".join((style.name, str(seed), *map(str, key))))


class Renderer(Protocol):
    """A family's look: the master name its ERP holds for a customer, and a payment as shown."""

    def master_name(self, customer: SimCustomer) -> str: ...

    def shown(self, rng: random.Random, facts: PaymentFacts) -> Shown: ...
