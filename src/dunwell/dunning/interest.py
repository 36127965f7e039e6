"""Statutory late-payment interest and fixed compensation for a late debt (RULES.md §B3).

A pure engine: it takes a debt, one row of the jurisdiction table and the reference rates, and
returns a ``LatePaymentClaim`` that explains itself line by line. Whether to claim at all is the
dunning policy's decision (``claim_interest`` / ``claim_compensation``); nothing here needs a reminder
to have been sent (EU-1: interest runs without one).

Conventions (ADR 0027):

- **Days.** Interest starts the day after the due date (EU-2 (a)) and counts every calendar day up
  to and including ``as_of``, and a payment counts on the day it is received: the balance it leaves
  carries interest from the next day. So a debt due 1 March and paid 15 March is 14 days late.
- **No payment day agreed.** The due date is the end of the statutory term (30 days) after the
  latest of invoice receipt, goods receipt and verification (EU-2 (b), UK-3), counted as the
  jurisdiction's law counts it (``DefaultTermCounting``).
- **Simple interest** per run of days with one balance and one rate:
  ``balance x (reference rate + margin) x days / days_in_year`` in ``Decimal``, never compounded.
- **Rounding once.** The exact interest of all lines is added and rounded to the currency's minor unit
  half up (commercial rounding, as a person checking the claim with a calculator would); each
  line shows its share of that total (largest remainder), so the lines add up to the total exactly.
- **Fixed compensation** once per late debt: call this per instalment to get one sum per instalment
  (EU-4, CJEU C-78/22). Bands use the amount left unpaid at the due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import NamedTuple

from dunwell.core.errors import DunwellError
from dunwell.core.money import Money, quantum
from dunwell.dunning.interest_claims import (
    Compensation,
    DueDateBasis,
    InterestLine,
    LatePaymentClaim,
    format_money,
)
from dunwell.dunning.jurisdictions import (
    DefaultTermCounting,
    JurisdictionRule,
    MonthDay,
    RateFixing,
)
from dunwell.dunning.reference_rates import ReferenceRates, ReferenceRateSeries

_DAY = timedelta(days=1)
_ZERO = Decimal(0)


class LatePaymentInputError(DunwellError):
    """A debt the engine cannot compute a claim for (no due date and nothing to derive one from)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="late_payment_input")


class Payment(NamedTuple):
    """Money received against the debt (a plain ``(date, Money)`` tuple works too)."""

    received_on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class LateDebt:
    """An invoice or one instalment of it, with what was paid against it.

    ``due_date`` is the agreed payment day; leave it None when none was agreed and give the receipt
    days instead. ``amount_in_fixed_sum_currency`` is needed only when the fixed sums are banded by
    amount (UK) and the debt is in another currency: the caller's conversion of the amount unpaid at
    the due date, so that the engine never picks an exchange rate.
    """

    reference: str
    amount: Money
    due_date: date | None = None
    invoice_received_on: date | None = None
    goods_received_on: date | None = None
    verified_on: date | None = None
    payments: Sequence[tuple[date, Money]] = field(default=())
    amount_in_fixed_sum_currency: Money | None = None

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise LatePaymentInputError(f"{self.reference}: the debt must be positive, not {self.amount}")
        for received_on, paid in self.payments:
            if paid.currency != self.amount.currency or paid.amount <= 0:
                raise LatePaymentInputError(
                    f"{self.reference}: the payment of {received_on.isoformat()} must be a positive "
                    f"amount in {self.amount.currency}, not {paid}"
                )

    def balance_on(self, day: date) -> Decimal:
        """What is still owed during ``day``: payments count from the day after they are received."""
        paid = sum((amount.amount for received_on, amount in self.payments if received_on < day), _ZERO)
        return max(self.amount.amount - paid, _ZERO)


def payment_due_date(debt: LateDebt, rule: JurisdictionRule) -> tuple[date, DueDateBasis]:
    """The agreed due date, or the statutory one when none was agreed (EU-2 (b), UK-3, DE-3)."""
    if debt.due_date is not None:
        return debt.due_date, DueDateBasis.AGREED
    received = [
        day for day in (debt.invoice_received_on, debt.goods_received_on, debt.verified_on) if day is not None
    ]
    if not received:
        raise LatePaymentInputError(
            f"{debt.reference}: no due date was agreed and no receipt date (invoice, goods, verification) "
            f"is known, so the statutory due date cannot be set ({rule.rule_ids.start})"
        )
    term = rule.default_term_days
    if rule.default_term_counting is DefaultTermCounting.INCLUDING_RECEIPT_DAY:
        term -= 1  # "30 days beginning with" the receipt day ends on day 29 after it
    return max(received) + timedelta(days=term), DueDateBasis.STATUTORY


def late_payment_claim(
    debt: LateDebt,
    rule: JurisdictionRule,
    rates: ReferenceRates,
    *,
    as_of: date,
    claim_interest: bool = True,
    claim_compensation: bool = True,
) -> LatePaymentClaim:
    """Interest up to and including ``as_of`` and the fixed sum on ``debt`` under ``rule``.

    Raises ``MissingReferenceRate`` when a rate the claim needs is not in ``rates`` (never zero),
    ``LatePaymentInputError`` when the due date cannot be set.
    """
    due_date, basis = payment_due_date(debt, rule)
    interest_from = due_date + _DAY
    unpaid_at_due_date = debt.balance_on(interest_from)
    is_late = as_of >= interest_from and unpaid_at_due_date > 0
    lines: tuple[InterestLine, ...] = ()
    if is_late and claim_interest:
        lines = _interest_lines(
            debt, rule, rates.for_source(rule.reference_rate_source), interest_from, as_of
        )
    compensation: Compensation | None = None
    warnings: tuple[str, ...] = ()
    if is_late and claim_compensation:
        compensation, warnings = _compensation(debt, rule, unpaid_at_due_date)
    rule_ids = [rule.rule_ids.entitlement, rule.rule_ids.start]
    if lines:
        rule_ids.append(rule.rule_ids.rate)
    if compensation is not None:
        rule_ids.extend(compensation.rule_ids)
    currency = debt.amount.currency
    return LatePaymentClaim(
        debt_reference=debt.reference,
        jurisdiction=rule.code,
        debt=debt.amount,
        due_date=due_date,
        due_date_basis=basis,
        interest_from=interest_from,
        as_of=as_of,
        is_late=is_late,
        lines=lines,
        interest=Money.of(sum((line.interest.amount for line in lines), _ZERO), currency),
        compensation=compensation,
        rule_ids=tuple(dict.fromkeys(rule_ids)) if is_late else (),
        warnings=warnings,
    )


def late_payment_claims(
    debts: Iterable[LateDebt],
    rule: JurisdictionRule,
    rates: ReferenceRates,
    *,
    as_of: date,
    claim_interest: bool = True,
    claim_compensation: bool = True,
) -> tuple[LatePaymentClaim, ...]:
    """One claim per debt: pass an invoice's instalments to claim the fixed sum per late instalment."""
    return tuple(
        late_payment_claim(
            debt,
            rule,
            rates,
            as_of=as_of,
            claim_interest=claim_interest,
            claim_compensation=claim_compensation,
        )
        for debt in debts
    )


@dataclass(frozen=True, slots=True)
class _RatePeriod:
    first_day: date
    last_day: date
    fixed_on: date
    reference_rate: Decimal


def _interest_lines(
    debt: LateDebt, rule: JurisdictionRule, series: ReferenceRateSeries, first_day: date, last_day: date
) -> tuple[InterestLine, ...]:
    runs: list[tuple[_RatePeriod, date, date, Decimal]] = []
    for period in _rate_periods(rule, series, first_day, last_day):
        for run_first, run_last in _balance_runs(debt, period.first_day, period.last_day):
            balance = debt.balance_on(run_first)
            if balance > 0:
                runs.append((period, run_first, run_last, balance))
    divisor = Decimal(100 * rule.days_in_year)  # the rate is in percent
    numerators = [
        balance * _rate(period, rule) * ((run_last - run_first).days + 1)
        for period, run_first, run_last, balance in runs
    ]
    currency = debt.amount.currency
    total = (sum(numerators, _ZERO) / divisor).quantize(quantum(currency), rounding=ROUND_HALF_UP)
    shares = _largest_remainder([numerator / divisor for numerator in numerators], total, quantum(currency))
    return tuple(
        InterestLine(
            first_day=run_first,
            last_day=run_last,
            days=(run_last - run_first).days + 1,
            balance=Money(balance, currency),
            reference_rate_label=series.label,
            reference_rate_fixed_on=period.fixed_on,
            reference_rate=period.reference_rate,
            margin_pp=rule.margin_pp,
            rate=_rate(period, rule),
            exact_interest=numerator / divisor,
            interest=Money(share, currency),
            rule_id=rule.rule_ids.rate,
        )
        for (period, run_first, run_last, balance), numerator, share in zip(
            runs, numerators, shares, strict=True
        )
    )


def _rate(period: _RatePeriod, rule: JurisdictionRule) -> Decimal:
    # A negative total would make the creditor owe the debtor interest; no rule reads that way.
    return max(period.reference_rate + rule.margin_pp, _ZERO)


def _rate_periods(
    rule: JurisdictionRule, series: ReferenceRateSeries, first_day: date, last_day: date
) -> list[_RatePeriod]:
    """The runs of days that share one reference rate, with the day that rate was fixed on."""
    if rule.rate_fixing is RateFixing.FIXED_FOR_DEBT:
        # UK-1: the reference date immediately before the day interest starts, for the whole debt.
        fixed_on = _last_fixing_on_or_before(first_day - _DAY, rule.fixing_dates)
        return [_RatePeriod(first_day, last_day, fixed_on, series.rate_on(fixed_on))]
    periods = []
    day = first_day
    while day <= last_day:
        fixed_on = _last_fixing_on_or_before(day, rule.fixing_dates)
        period_last = min(last_day, _first_fixing_after(day, rule.fixing_dates) - _DAY)
        periods.append(_RatePeriod(day, period_last, fixed_on, series.rate_on(fixed_on)))
        day = period_last + _DAY
    return periods


def _last_fixing_on_or_before(day: date, fixing_dates: tuple[MonthDay, ...]) -> date:
    return max(
        md.in_year(year)
        for year in (day.year - 1, day.year)
        for md in fixing_dates
        if md.in_year(year) <= day
    )


def _first_fixing_after(day: date, fixing_dates: tuple[MonthDay, ...]) -> date:
    return min(
        md.in_year(year) for year in (day.year, day.year + 1) for md in fixing_dates if md.in_year(year) > day
    )


def _balance_runs(debt: LateDebt, first_day: date, last_day: date) -> list[tuple[date, date]]:
    """Split ``first_day..last_day`` where a payment changes the balance (the day after receipt)."""
    starts = sorted(
        {first_day}
        | {
            received_on + _DAY
            for received_on, _ in debt.payments
            if first_day < received_on + _DAY <= last_day
        }
    )
    ends = [start - _DAY for start in starts[1:]] + [last_day]
    return list(zip(starts, ends, strict=True))


def _largest_remainder(exact: list[Decimal], total: Decimal, unit: Decimal) -> list[Decimal]:
    """Round each share down to ``unit`` and hand the units left of ``total`` to the shares with the
    largest remainders (the earlier line on a tie), so the rounded lines add up to ``total``."""
    floors = [value.quantize(unit, rounding=ROUND_DOWN) for value in exact]
    left = int((total - sum(floors, _ZERO)) / unit)
    order = sorted(range(len(exact)), key=lambda index: (-(exact[index] - floors[index]), index))
    for index in order[:left]:
        floors[index] += unit
    return floors


def _compensation(
    debt: LateDebt, rule: JurisdictionRule, unpaid_at_due_date: Decimal
) -> tuple[Compensation | None, tuple[str, ...]]:
    fixed_sum = rule.fixed_sum
    rule_id = rule.rule_ids.fixed_sum
    other_currency = debt.amount.currency != fixed_sum.currency
    basis = unpaid_at_due_date
    if other_currency and fixed_sum.is_banded:
        converted = debt.amount_in_fixed_sum_currency
        if converted is None or converted.currency != fixed_sum.currency:
            return None, (
                f"{debt.reference}: the fixed sum ({rule_id}) depends on the debt's amount in "
                f"{fixed_sum.currency} and the debt is in {debt.amount.currency}; give its amount in "
                f"{fixed_sum.currency} to claim it",
            )
        basis = converted.amount
    amount = fixed_sum.for_debt(basis).rounded()
    explanation = f"{format_money(amount)} per late invoice or instalment ({rule_id})"
    if other_currency:
        explanation += (
            f"; claimed in {fixed_sum.currency}, the currency the law fixes it in, and not converted "
            f"to the invoice's {debt.amount.currency}"
        )
    return Compensation(amount, (rule_id,), other_currency, explanation), ()
