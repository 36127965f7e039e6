"""Late-payment interest and fixed compensation (RULES.md §B3) on parametric reference rates.

GEN-2: no test reads the shipped rates. Each builds its own series with ``rates(...)``, so the
figures below follow from the rates written next to them and stay true when the data file moves on.
The jurisdiction rows are the shipped table: they are the law the engine implements.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.core.money import Money
from dunwell.dunning.interest import (
    LateDebt,
    LatePaymentInputError,
    Payment,
    late_payment_claim,
    late_payment_claims,
    payment_due_date,
)
from dunwell.dunning.interest_claims import DueDateBasis, LatePaymentClaim
from dunwell.dunning.jurisdictions import JurisdictionRule, shipped_jurisdictions
from dunwell.dunning.reference_rates import MissingReferenceRate, ReferenceRates, reference_rates_from_yaml

RateSteps = list[tuple[date, str]]
Table = dict[str, JurisdictionRule]


def rates(
    *,
    ecb: RateSteps | None = None,
    boe: RateSteps | None = None,
    basis: RateSteps | None = None,
    known_through: date = date(2030, 12, 31),
) -> ReferenceRates:
    """A rates fixture: each series is ``[(effective from, percent), ...]`` as the data file writes it."""
    series = {
        "ecb_mro": ("ECB main refinancing rate", ecb or [(date(2020, 1, 1), "4.00")]),
        "boe_bank_rate": ("Bank of England rate", boe or [(date(2020, 1, 1), "5.25")]),
        "bundesbank_basiszinssatz": ("Basiszinssatz", basis or [(date(2020, 1, 1), "3.00")]),
    }
    text = "series:\n"
    for name, (label, steps) in series.items():
        text += f"  {name}:\n    label: {label}\n    known_through: {known_through.isoformat()}\n    rates:\n"
        text += "".join(
            f"      - {{from: {day.isoformat()}, percent: {percent}}}\n" for day, percent in steps
        )
    return reference_rates_from_yaml(text, source="rates fixture")


@pytest.fixture(scope="module")
def table() -> Table:
    return dict(shipped_jurisdictions().rules)


def gbp(amount: str) -> Money:
    return Money.of(amount, "GBP")


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


# --- the UK example of RULES.md UK-1 ---------------------------------------------------------------


def test_uk_example_base_rate_5_25_gives_13_25_and_30_days_on_5000_is_54_45(table: Table) -> None:
    # 5,000 x 13.25 % / 365 = 1.81506... a day; 30 days = 54.452... -> 54.45 (rounded once, half up).
    debt = LateDebt("INV-UK", gbp("5000"), due_date=date(2024, 3, 1))
    claim = late_payment_claim(
        debt, table["UK"], rates(boe=[(date(2023, 8, 3), "5.25")]), as_of=date(2024, 3, 31)
    )
    (line,) = claim.lines
    assert (line.reference_rate, line.margin_pp, line.rate) == (Decimal("5.25"), Decimal(8), Decimal("13.25"))
    assert line.reference_rate_fixed_on == date(2023, 12, 31)  # interest starts 2 Mar: 31 Dec applies
    assert (line.first_day, line.last_day, line.days) == (date(2024, 3, 2), date(2024, 3, 31), 30)
    assert Decimal(5000) * line.rate / 100 / 365 == pytest.approx(Decimal("1.815"), abs=Decimal("0.0001"))
    assert line.exact_interest.quantize(Decimal("0.0001")) == Decimal("54.4521")
    assert claim.interest == gbp("54.45")
    assert line.describe() == (
        "Interest at 13.25 % (Bank of England rate 5.25 % + 8 pp) from 2024-03-02 to 2024-03-31 "
        "on GBP 5,000.00: GBP 54.45"
    )
    assert claim.compensation is not None
    assert claim.compensation.amount == gbp("70")
    assert claim.rule_ids == ("UK-1", "UK-3", "UK-2")


def test_uk_rate_is_fixed_for_the_debt_and_does_not_float_across_1_july(table: Table) -> None:
    boe = [(date(2023, 1, 1), "5.25"), (date(2024, 6, 20), "4.00"), (date(2024, 8, 1), "3.00")]
    debt = LateDebt("INV-UK", gbp("5000"), due_date=date(2024, 5, 31))
    claim = late_payment_claim(debt, table["UK"], rates(boe=boe), as_of=date(2024, 9, 30))
    (line,) = claim.lines
    assert line.reference_rate == Decimal("5.25")  # the rate on 31 Dec 2023, though it fell twice since
    assert line.reference_rate_fixed_on == date(2023, 12, 31)
    assert (line.first_day, line.last_day) == (date(2024, 6, 1), date(2024, 9, 30))


def test_uk_interest_starting_in_july_uses_the_rate_of_30_june(table: Table) -> None:
    boe = [(date(2023, 1, 1), "5.25"), (date(2024, 6, 20), "4.00")]
    debt = LateDebt("INV-UK", gbp("5000"), due_date=date(2024, 6, 30))
    (line,) = late_payment_claim(debt, table["UK"], rates(boe=boe), as_of=date(2024, 7, 31)).lines
    assert (line.reference_rate_fixed_on, line.reference_rate, line.rate) == (
        date(2024, 6, 30),
        Decimal("4.00"),
        Decimal("12.00"),
    )


@pytest.mark.parametrize(
    ("debt", "fixed_sum"),
    [("999.99", "40"), ("1000.00", "70"), ("9999.99", "70"), ("10000.00", "100")],
)
def test_uk_fixed_sum_bands(table: Table, debt: str, fixed_sum: str) -> None:
    claim = late_payment_claim(
        LateDebt("INV-UK", gbp(debt), due_date=date(2024, 3, 1)), table["UK"], rates(), as_of=date(2024, 3, 5)
    )
    assert claim.compensation is not None
    assert claim.compensation.amount == gbp(fixed_sum)
    assert claim.compensation.rule_ids == ("UK-2",)


# --- EU / FR / DE: the rate fixed per half-year ------------------------------------------------------


def test_a_late_period_across_1_july_uses_each_half_years_rate(table: Table) -> None:
    # The rate in force on 1 Jan applies to H1, the one in force on 1 Jul to H2; a change within a
    # half-year (here 1 Mar and 12 Sep) waits for the next fixing.
    ecb = [(date(2023, 9, 20), "4.50"), (date(2024, 3, 1), "4.25"), (date(2024, 9, 12), "3.65")]
    debt = LateDebt("INV-FR", eur("10000"), due_date=date(2024, 6, 20))
    claim = late_payment_claim(debt, table["FR"], rates(ecb=ecb), as_of=date(2024, 7, 10))
    first, second = claim.lines
    assert (first.first_day, first.last_day, first.days, first.rate) == (
        date(2024, 6, 21),
        date(2024, 6, 30),
        10,
        Decimal("14.50"),  # 4.50 in force on 1 Jan + 10 points (FR-2)
    )
    assert (second.first_day, second.last_day, second.days, second.rate) == (
        date(2024, 7, 1),
        date(2024, 7, 10),
        10,
        Decimal("14.25"),  # 4.25 in force on 1 Jul
    )
    # 10,000 x 14.50 % x 10 / 365 = 39.7260..., + 10,000 x 14.25 % x 10 / 365 = 39.0410... = 78.767...
    assert claim.interest == eur("78.77")
    assert first.interest + second.interest == claim.interest
    assert claim.rule_ids == ("FR-2", "EU-2", "FR-3")


def test_germany_uses_the_basiszinssatz_plus_nine_points_per_half_year(table: Table) -> None:
    basis = [(date(2024, 1, 1), "3.62"), (date(2024, 7, 1), "3.37")]
    debt = LateDebt("RE-1", eur("1000"), due_date=date(2024, 6, 29))
    claim = late_payment_claim(debt, table["DE"], rates(basis=basis), as_of=date(2024, 7, 1))
    assert [(line.days, line.rate) for line in claim.lines] == [(1, Decimal("12.62")), (1, Decimal("12.37"))]
    assert claim.compensation is not None
    assert claim.compensation.rule_ids == ("DE-2",)


def test_each_late_instalment_carries_its_own_eur_40(table: Table) -> None:
    instalments = [
        LateDebt(
            "INV-9/1", eur("500"), due_date=date(2024, 1, 31), payments=[(date(2024, 1, 31), eur("500"))]
        ),
        LateDebt("INV-9/2", eur("500"), due_date=date(2024, 2, 29)),
        LateDebt("INV-9/3", eur("500"), due_date=date(2024, 3, 31)),
        LateDebt("INV-9/4", eur("500"), due_date=date(2024, 4, 30)),  # not due yet on as_of
    ]
    claims = late_payment_claims(instalments, table["EU"], rates(), as_of=date(2024, 4, 15))
    assert [claim.is_late for claim in claims] == [False, True, True, False]
    sums = [claim.compensation.amount if claim.compensation else None for claim in claims]
    assert sums == [None, eur("40"), eur("40"), None]
    assert claims[1].compensation is not None
    assert claims[1].compensation.rule_ids == ("EU-4",)


def test_a_partial_payment_reduces_the_balance_from_the_next_day(table: Table) -> None:
    debt = LateDebt(
        "INV-P",
        eur("3650"),
        due_date=date(2024, 3, 31),
        payments=[Payment(date(2024, 3, 20), eur("650")), (date(2024, 4, 10), eur("1000"))],
    )
    claim = late_payment_claim(
        debt, table["EU"], rates(ecb=[(date(2020, 1, 1), "2.00")]), as_of=date(2024, 4, 30)
    )
    # 10 % a year: 3,000 for 10 days (1-10 Apr, the payment day still counts) then 2,000 for 20 days.
    assert [(line.first_day, line.days, line.balance) for line in claim.lines] == [
        (date(2024, 4, 1), 10, eur("3000")),
        (date(2024, 4, 11), 20, eur("2000")),
    ]
    # 3,000 x 10 % x 10 / 365 = 8.2191..., 2,000 x 10 % x 20 / 365 = 10.9589... -> 19.18
    assert claim.interest == eur("19.18")


def test_interest_stops_when_the_debt_is_paid_in_full_and_the_sum_stays_due(table: Table) -> None:
    debt = LateDebt(
        "INV-F", eur("1000"), due_date=date(2024, 3, 31), payments=[(date(2024, 4, 5), eur("1000"))]
    )
    claim = late_payment_claim(debt, table["EU"], rates(), as_of=date(2024, 6, 30))
    (line,) = claim.lines
    assert (line.first_day, line.last_day, line.days) == (date(2024, 4, 1), date(2024, 4, 5), 5)
    assert claim.compensation is not None


def test_a_debt_paid_by_its_due_date_or_not_yet_due_claims_nothing(table: Table) -> None:
    paid = LateDebt("A", eur("100"), due_date=date(2024, 3, 31), payments=[(date(2024, 3, 31), eur("100"))])
    not_due = LateDebt("B", eur("100"), due_date=date(2024, 3, 31))
    for debt, as_of in ((paid, date(2024, 5, 31)), (not_due, date(2024, 3, 31))):
        claim = late_payment_claim(debt, table["EU"], rates(), as_of=as_of)
        assert (claim.is_late, claim.lines, claim.interest, claim.compensation) == (False, (), eur("0"), None)
        assert claim.rule_ids == ()


def test_the_policy_may_claim_interest_only_or_the_fixed_sum_only(table: Table) -> None:
    debt = LateDebt("INV", eur("1000"), due_date=date(2024, 3, 31))
    interest_only = late_payment_claim(
        debt, table["EU"], rates(), as_of=date(2024, 4, 9), claim_compensation=False
    )
    sum_only = late_payment_claim(debt, table["EU"], rates(), as_of=date(2024, 4, 9), claim_interest=False)
    assert interest_only.compensation is None
    assert interest_only.interest > eur("0")
    assert sum_only.lines == ()
    assert sum_only.compensation is not None
    assert sum_only.rule_ids == ("EU-1", "EU-2", "EU-4")


# --- the due date when none was agreed ------------------------------------------------------------------


def test_no_due_date_eu_counts_30_days_after_the_later_receipt(table: Table) -> None:
    # Invoice received before the goods: count from the goods (EU-2 (b)); 30 days following 5 Mar.
    debt = LateDebt(
        "INV", eur("1000"), invoice_received_on=date(2024, 3, 1), goods_received_on=date(2024, 3, 5)
    )
    assert payment_due_date(debt, table["EU"]) == (date(2024, 4, 4), DueDateBasis.STATUTORY)
    claim = late_payment_claim(debt, table["EU"], rates(), as_of=date(2024, 4, 10))
    assert claim.interest_from == date(2024, 4, 5)
    assert claim.lines[0].days == 6


def test_no_due_date_uk_counts_30_days_beginning_with_the_later_receipt(table: Table) -> None:
    # UK s. 4(6): "the period of 30 days beginning with" the day - 5 Mar is day 1, 3 Apr day 30.
    debt = LateDebt("INV", gbp("1000"), invoice_received_on=date(2024, 3, 5), verified_on=date(2024, 3, 1))
    assert payment_due_date(debt, table["UK"]) == (date(2024, 4, 3), DueDateBasis.STATUTORY)


def test_an_agreed_due_date_wins_over_the_receipt_days(table: Table) -> None:
    debt = LateDebt("INV", eur("1"), due_date=date(2024, 5, 1), invoice_received_on=date(2024, 3, 1))
    assert payment_due_date(debt, table["EU"]) == (date(2024, 5, 1), DueDateBasis.AGREED)


def test_no_due_date_and_no_receipt_day_is_a_clear_error(table: Table) -> None:
    with pytest.raises(LatePaymentInputError, match="no due date was agreed and no receipt date"):
        late_payment_claim(LateDebt("INV-X", eur("1")), table["EU"], rates(), as_of=date(2024, 4, 1))


# --- missing rates, currencies, rounding -------------------------------------------------------------


def test_a_half_year_with_no_known_rate_is_an_error_not_zero(table: Table) -> None:
    debt = LateDebt("INV", eur("1000"), due_date=date(2024, 6, 1))
    h1_2024 = [(date(2024, 1, 1), "4.50")]
    short = rates(ecb=h1_2024, boe=h1_2024, known_through=date(2024, 6, 30))
    with pytest.raises(
        MissingReferenceRate, match=r"no ECB main refinancing rate \(ecb_mro\) is known for 2024-07-01"
    ):
        late_payment_claim(debt, table["EU"], short, as_of=date(2024, 7, 15))
    with pytest.raises(MissingReferenceRate, match="is known for 2023-12-31"):  # before the series
        late_payment_claim(
            LateDebt("INV", gbp("1"), due_date=date(2024, 2, 1)), table["UK"], short, as_of=date(2024, 3, 1)
        )


def test_a_fixed_sum_in_another_currency_is_not_converted_and_says_so(table: Table) -> None:
    debt = LateDebt("INV-USD", Money.of("250", "USD"), due_date=date(2024, 3, 31))
    claim = late_payment_claim(debt, table["DE"], rates(), as_of=date(2024, 4, 30))
    assert claim.interest.currency == "USD"
    assert claim.compensation is not None
    assert claim.compensation.amount == eur("40")
    assert claim.compensation.in_other_currency_than_debt
    assert "not converted" in claim.compensation.explanation


def test_a_banded_sum_for_a_foreign_currency_debt_needs_the_callers_conversion(table: Table) -> None:
    debt = LateDebt("INV-USD", Money.of("5000", "USD"), due_date=date(2024, 3, 31))
    claim = late_payment_claim(debt, table["UK"], rates(), as_of=date(2024, 4, 30))
    assert claim.compensation is None
    assert "give its amount in GBP" in claim.warnings[0]
    converted = dataclasses.replace(debt, amount_in_fixed_sum_currency=gbp("3950"))
    compensation = late_payment_claim(converted, table["UK"], rates(), as_of=date(2024, 4, 30)).compensation
    assert compensation is not None
    assert compensation.amount == gbp("70")


def test_rounding_is_half_up_once_at_the_end(table: Table) -> None:
    # 18.25 x 10 % x 1 / 365 = 0.005 exactly: half up gives 0.01 (banker's rounding would give 0.00).
    debt = LateDebt("INV", eur("18.25"), due_date=date(2024, 3, 31))
    claim = late_payment_claim(
        debt, table["EU"], rates(ecb=[(date(2020, 1, 1), "2")]), as_of=date(2024, 4, 1)
    )
    assert claim.lines[0].exact_interest == Decimal("0.005")
    assert claim.interest == eur("0.01")


def test_the_lines_add_up_to_the_total_rounded_once(table: Table) -> None:
    # Three lines of 0.0033... each: rounded separately they would make 0.00, the total is 0.01.
    payments = [(date(2024, 4, 1), eur("0.01")), (date(2024, 4, 2), eur("0.01"))]
    debt = LateDebt("INV", eur("12.19"), due_date=date(2024, 3, 31), payments=payments)
    claim = late_payment_claim(
        debt, table["EU"], rates(ecb=[(date(2020, 1, 1), "2")]), as_of=date(2024, 4, 3)
    )
    assert len(claim.lines) == 3
    assert sum((line.interest for line in claim.lines), eur("0")) == claim.interest == eur("0.01")


def _no_floats(value: object) -> Iterator[str]:
    if isinstance(value, float):
        yield repr(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _no_floats(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _no_floats(item)


def test_claims_hold_decimals_only(table: Table) -> None:
    debt = LateDebt(
        "INV", gbp("1234.56"), due_date=date(2024, 3, 31), payments=[(date(2024, 4, 9), gbp("34.56"))]
    )
    claim = late_payment_claim(debt, table["UK"], rates(), as_of=date(2024, 7, 31))
    assert list(_no_floats(claim)) == []
    assert all(isinstance(line.exact_interest, Decimal) for line in claim.lines)


# --- properties ---------------------------------------------------------------------------------


_START = date(2024, 1, 31)
_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
_days = st.integers(min_value=1, max_value=1500)


def _claim(rule: JurisdictionRule, amount: Decimal, days: int, *, due: date = _START) -> LatePaymentClaim:
    debt = LateDebt("P", eur(str(amount)), due_date=due)
    return late_payment_claim(debt, rule, _FLAT, as_of=due + timedelta(days=days), claim_compensation=False)


#: One rate for every half-year, so that splitting a period cannot change the rate.
_FLAT = rates(ecb=[(date(2020, 1, 1), "3.15")], known_through=date(2040, 12, 31))


@settings(max_examples=60, deadline=None)
@given(amount=_amounts, days=_days, more=st.integers(min_value=0, max_value=400))
def test_interest_never_falls_with_more_days_late(
    table: Table, amount: Decimal, days: int, more: int
) -> None:
    assert _claim(table["EU"], amount, days).interest <= _claim(table["EU"], amount, days + more).interest


@settings(max_examples=60, deadline=None)
@given(amount=_amounts, extra=_amounts, days=_days)
def test_interest_never_falls_with_a_larger_debt(
    table: Table, amount: Decimal, extra: Decimal, days: int
) -> None:
    assert _claim(table["FR"], amount, days).interest <= _claim(table["FR"], amount + extra, days).interest


@settings(max_examples=60, deadline=None)
@given(amount=_amounts, first=_days, second=_days)
def test_interest_is_additive_over_a_split_period_at_one_rate(
    table: Table, amount: Decimal, first: int, second: int
) -> None:
    whole = _claim(table["EU"], amount, first + second)
    head = _claim(table["EU"], amount, first)
    tail = _claim(table["EU"], amount, second, due=_START + timedelta(days=first))
    exact = sum(line.exact_interest for line in (*head.lines, *tail.lines))
    assert abs(exact - sum(line.exact_interest for line in whole.lines)) < Decimal("1e-15")
    # Rounded once each, the two parts may differ from the whole by one cent at most.
    assert abs((head.interest + tail.interest - whole.interest).amount) <= Decimal("0.01")
