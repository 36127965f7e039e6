"""What the late-payment engine returns: one explainable claim per late debt.

Every figure a reminder prints is a field here, with the rule it rests on, so a template can write
"Interest at 13.25 % (Bank of England rate 5.25 % + 8 pp) from 2024-03-01 to 2024-04-15 on
GBP 5,000.00: GBP 81.68" without recomputing anything. Amounts are ``Money`` (``Decimal``) only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from dunwell.core.money import Money


class DueDateBasis(StrEnum):
    #: The payment day in the contract or on the invoice (EU-2 (a)).
    AGREED = "agreed"
    #: No payment day: the statutory term after receipt of the invoice or goods (EU-2 (b), UK-3).
    STATUTORY = "statutory"


@dataclass(frozen=True, slots=True)
class InterestLine:
    """Interest for a run of days with one balance and one rate (both days inclusive)."""

    first_day: date
    last_day: date
    days: int
    balance: Money
    reference_rate_label: str
    #: The day whose reference rate applies (1 Jan / 1 Jul, or the UK's 31 Dec / 30 Jun).
    reference_rate_fixed_on: date
    reference_rate: Decimal
    margin_pp: Decimal
    #: Percent per annum: reference rate + margin (never below zero).
    rate: Decimal
    #: balance x rate x days / days_in_year, unrounded.
    exact_interest: Decimal
    #: This line's share of the claim's rounded interest; the lines add up to it exactly.
    interest: Money
    rule_id: str

    def describe(self) -> str:
        return (
            f"Interest at {format_percent(self.rate)} % ({self.reference_rate_label} "
            f"{format_percent(self.reference_rate)} % + {format_points(self.margin_pp)} pp) from "
            f"{self.first_day.isoformat()} to {self.last_day.isoformat()} on {format_money(self.balance)}: "
            f"{format_money(self.interest)}"
        )


@dataclass(frozen=True, slots=True)
class Compensation:
    """The fixed sum for one late invoice or instalment (EU-4, UK-2, DE-2, FR-3, ES-1)."""

    amount: Money
    rule_ids: tuple[str, ...]
    #: True when ``amount`` is in the jurisdiction's currency and the debt in another: the sum is
    #: claimed as the law fixes it, not converted (conversion is the caller's choice, and dated).
    in_other_currency_than_debt: bool
    explanation: str

    def describe(self) -> str:
        return f"Fixed compensation {format_money(self.amount)} ({', '.join(self.rule_ids)})"


@dataclass(frozen=True, slots=True)
class LatePaymentClaim:
    """Interest and compensation on one debt (an invoice or an instalment) as of ``as_of``."""

    debt_reference: str
    jurisdiction: str
    debt: Money
    due_date: date
    due_date_basis: DueDateBasis
    #: The first day of interest: the day after the due date (EU-2 (a)).
    interest_from: date
    #: The last day counted (inclusive).
    as_of: date
    #: False when the debt was paid in full by its due date, or ``as_of`` is not past it.
    is_late: bool
    lines: tuple[InterestLine, ...]
    #: The sum of the lines' exact interest, rounded once to the minor unit (half up).
    interest: Money
    compensation: Compensation | None
    #: Every rule the claim rests on, in the order a reminder would cite them.
    rule_ids: tuple[str, ...]
    #: Things a person should know before sending the claim (a sum that could not be chosen...).
    warnings: tuple[str, ...]

    def describe(self) -> tuple[str, ...]:
        """One sentence per line, then the compensation, for a reminder or an audit log."""
        sentences = [line.describe() for line in self.lines]
        if self.compensation is not None:
            sentences.append(self.compensation.describe())
        return tuple(sentences)


def format_percent(value: Decimal) -> str:
    """At least two decimals, more only when the data has them: ``13.25``, ``2.50``, ``3.125``."""
    value = value.normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


def format_points(value: Decimal) -> str:
    """A margin as people write it: ``8``, ``9``, ``8.5``."""
    return f"{value.normalize():f}"


def format_money(money: Money) -> str:
    """``GBP 5,000.00``: the ISO code, not a symbol, so the text is the same in every locale."""
    return f"{money.currency} {money.amount:,f}"
