"""The jurisdiction rule table (RULES.md GEN-1) as data: margin, reference rate and its fixing, fixed
compensation bands, payment-term limits and the rule IDs each figure comes from.

The table is law, and law changes (EU-7: a Late Payment Regulation is pending), so nothing here is
hard-coded: the rows live in ``dunwell/dunning/data/jurisdictions.yaml`` and a deployment may load
its own table with ``jurisdictions_from_yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from dunwell.core.currencies import is_currency
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money, has_valid_precision
from dunwell.dunning.interest_yaml import Field, parse_document, shipped_text

SHIPPED_JURISDICTIONS = "jurisdictions.yaml"
#: Not a leap year, so a fixing date of 29 Feb (missing from most years) is rejected when loading.
_CHECK_YEAR = 2023


class RateFixing(StrEnum):
    #: EU-3, FR-2, DE-1: each fixing period (half-year) uses the rate in force on its first day.
    PER_PERIOD = "per_period"
    #: UK-1: the rate on the last reference date before interest starts, kept for the whole debt.
    FIXED_FOR_DEBT = "fixed_for_debt"


class DefaultTermCounting(StrEnum):
    """How the statutory 30 days run when no payment day was agreed."""

    #: EU-2 (b) "30 calendar days following receipt", § 187(1) BGB: the receipt day is not counted.
    AFTER_RECEIPT_DAY = "after_receipt_day"
    #: UK-3 (s. 4(6) of the 1998 Act) "the period of 30 days beginning with" the day: it counts.
    INCLUDING_RECEIPT_DAY = "including_receipt_day"


class UnknownJurisdiction(DunwellError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="unknown_jurisdiction", kind=ErrorKind.NOT_FOUND)


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A day of the year (``07-01``) on which a reference rate is fixed."""

    month: int
    day: int

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class FixedSumBand:
    """The fixed sum for a debt of at least ``debt_from`` (up to the next band's ``debt_from``)."""

    debt_from: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FixedSum:
    """Fixed compensation per late invoice or instalment, in ``currency`` (EU-4, UK-2...)."""

    currency: str
    bands: tuple[FixedSumBand, ...]

    @property
    def is_banded(self) -> bool:
        return len(self.bands) > 1

    def for_debt(self, debt: Decimal) -> Money:
        """The sum for a debt of ``debt`` (in this sum's currency): the highest band it reaches."""
        band = self.bands[0]
        for candidate in self.bands:
            if debt >= candidate.debt_from:
                band = candidate
        return Money(band.amount, self.currency)


@dataclass(frozen=True, slots=True)
class RuleIds:
    """The RULES.md rule each part of a claim rests on, printed with the claim."""

    entitlement: str
    start: str
    rate: str
    fixed_sum: str
    terms: str
    unfair_terms: str


@dataclass(frozen=True, slots=True)
class JurisdictionRule:
    """One row of the table; percentages are percent per annum, terms are calendar days."""

    code: str
    name: str
    margin_pp: Decimal
    reference_rate_source: str
    rate_fixing: RateFixing
    fixing_dates: tuple[MonthDay, ...]
    days_in_year: int
    fixed_sum: FixedSum
    default_term_days: int
    default_term_counting: DefaultTermCounting
    max_term_days: int
    max_term_days_end_of_month: int | None
    max_term_extendable_by_agreement: bool
    public_authority_term_days: int
    public_authority_max_term_days: int
    reminder_required: bool
    rule_ids: RuleIds
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class JurisdictionTable:
    rules: Mapping[str, JurisdictionRule]

    def rule(self, code: str) -> JurisdictionRule:
        try:
            return self.rules[code]
        except KeyError:
            known = ", ".join(sorted(self.rules))
            raise UnknownJurisdiction(
                f"no late-payment rules for jurisdiction {code!r} (known: {known})"
            ) from None


def jurisdictions_from_yaml(text: str, *, source: str = "jurisdictions") -> JurisdictionTable:
    """Parse and check a jurisdiction table; ``InterestDataError`` names the line and field."""
    root = parse_document(text, source=source).mapping(required=frozenset({"jurisdictions"}))
    rules = {code: _rule(code, row) for code, row in root["jurisdictions"].entries().items()}
    return JurisdictionTable(MappingProxyType(rules))


def shipped_jurisdictions() -> JurisdictionTable:
    """The table shipped in ``dunwell/dunning/data/jurisdictions.yaml``."""
    return jurisdictions_from_yaml(shipped_text(SHIPPED_JURISDICTIONS), source=SHIPPED_JURISDICTIONS)


_ROW_FIELDS = frozenset(
    {
        "name", "margin_pp", "reference_rate_source", "rate_fixing", "fixing_dates", "days_in_year",
        "fixed_sum", "default_term_days", "default_term_counting", "max_term_days",
        "max_term_extendable_by_agreement", "public_authority_term_days",
        "public_authority_max_term_days", "reminder_required", "rule_ids",
    }
)  # fmt: skip


def _rule(code: str, row: Field) -> JurisdictionRule:
    fields = row.mapping(required=_ROW_FIELDS, optional=frozenset({"max_term_days_end_of_month", "notes"}))
    reminder_required = fields["reminder_required"].flag()
    if reminder_required:
        # Every seeded jurisdiction runs interest without a reminder (EU-1, FR-2); a rule that needs
        # one would need the reminder's date as an input, which the engine does not take.
        raise fields["reminder_required"].error("true is not supported: interest must run without a reminder")
    public_term = fields["public_authority_term_days"].whole(minimum=1)
    public_max = fields["public_authority_max_term_days"].whole(minimum=1)
    if public_max < public_term:
        raise fields["public_authority_max_term_days"].error(
            f"{public_max} is below public_authority_term_days ({public_term})"
        )
    end_of_month = fields.get("max_term_days_end_of_month")
    end_of_month_field = end_of_month.optional() if end_of_month is not None else None
    notes_field = fields.get("notes")
    return JurisdictionRule(
        code=code,
        name=fields["name"].text(),
        margin_pp=_margin(fields["margin_pp"]),
        reference_rate_source=fields["reference_rate_source"].text(),
        rate_fixing=_choice(fields["rate_fixing"], RateFixing),
        fixing_dates=_fixing_dates(fields["fixing_dates"]),
        days_in_year=_days_in_year(fields["days_in_year"]),
        fixed_sum=_fixed_sum(fields["fixed_sum"]),
        default_term_days=fields["default_term_days"].whole(minimum=1),
        default_term_counting=_choice(fields["default_term_counting"], DefaultTermCounting),
        max_term_days=fields["max_term_days"].whole(minimum=1),
        max_term_days_end_of_month=end_of_month_field.whole(minimum=1) if end_of_month_field else None,
        max_term_extendable_by_agreement=fields["max_term_extendable_by_agreement"].flag(),
        public_authority_term_days=public_term,
        public_authority_max_term_days=public_max,
        reminder_required=reminder_required,
        rule_ids=_rule_ids(fields["rule_ids"]),
        notes=tuple(item.text() for item in notes_field.items()) if notes_field is not None else (),
    )


def _margin(field: Field) -> Decimal:
    margin = field.decimal()
    if not Decimal(0) <= margin <= Decimal(50):
        raise field.error(f"{margin} percentage points is not a plausible statutory margin")
    return margin


_Choice = TypeVar("_Choice", RateFixing, DefaultTermCounting)


def _choice(field: Field, kind: type[_Choice]) -> _Choice:
    text = field.text()
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise field.error(f"{text!r} is not one of {allowed}") from None


def _fixing_dates(field: Field) -> tuple[MonthDay, ...]:
    found: list[MonthDay] = []
    for item in field.items():
        text = item.text()
        month, _, day = text.partition("-")
        try:
            month_day = MonthDay(int(month), int(day))
            month_day.in_year(_CHECK_YEAR)
        except ValueError:
            raise item.error(
                f"{text!r} is not a day of the year written MM-DD (29 Feb is not allowed)"
            ) from None
        found.append(month_day)
    if found != sorted(set(found), key=lambda md: (md.month, md.day)):
        raise field.error("fixing dates must be distinct and in calendar order")
    return tuple(found)


def _days_in_year(field: Field) -> int:
    days = field.whole(minimum=1)
    if days not in {360, 365}:
        raise field.error(f"{days} is not a day-count basis (365 or 360)")
    return days


def _fixed_sum(field: Field) -> FixedSum:
    fields = field.mapping(required=frozenset({"currency", "bands"}))
    currency = fields["currency"].text()
    if not is_currency(currency):
        raise fields["currency"].error(f"{currency!r} is not an ISO 4217 currency code")
    bands: list[FixedSumBand] = []
    for item in fields["bands"].items():
        band = item.mapping(required=frozenset({"debt_from", "amount"}))
        debt_from, amount = band["debt_from"].decimal(), band["amount"].decimal()
        if amount <= 0 or not has_valid_precision(amount, currency):
            raise band["amount"].error(f"{amount} is not a positive amount in {currency}")
        if bands and debt_from <= bands[-1].debt_from:
            raise band["debt_from"].error("bands must be in increasing order of debt_from")
        if not bands and debt_from != 0:
            raise band["debt_from"].error("the first band must start at 0 so that every debt has a sum")
        bands.append(FixedSumBand(debt_from, amount))
    return FixedSum(currency, tuple(bands))


def _rule_ids(field: Field) -> RuleIds:
    names = frozenset(RuleIds.__dataclass_fields__)
    fields = field.mapping(required=names)
    return RuleIds(**{name: fields[name].text() for name in sorted(names)})
