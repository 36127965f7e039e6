"""Loading the late-payment rule data: errors name the line and field, gaps are refused, and the
shipped files load. Only the shipped files' shape is checked here, never their rates (GEN-2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.dunning.interest_yaml import InterestDataError, shipped_text
from dunwell.dunning.jurisdictions import (
    DefaultTermCounting,
    RateFixing,
    UnknownJurisdiction,
    jurisdictions_from_yaml,
    shipped_jurisdictions,
)
from dunwell.dunning.reference_rates import (
    MissingReferenceRate,
    reference_rates_from_yaml,
    shipped_reference_rates,
    with_overrides,
)

_RATES = """\
series:
  ecb_mro:
    label: ECB main refinancing rate
    known_through: 2024-12-31
    rates:
      - {from: 2024-01-01, percent: 4.50}
      - {from: 2024-06-12, percent: 4.25}
"""


def test_rates_are_exact_decimals_and_step_through_the_known_range() -> None:
    series = reference_rates_from_yaml(_RATES).for_source("ecb_mro")
    assert series.rate_on(date(2024, 6, 11)) == Decimal("4.50")
    assert series.rate_on(date(2024, 6, 12)) == Decimal("4.25")
    assert series.rate_on(date(2024, 12, 31)) == Decimal("4.25")
    assert isinstance(series.rate_on(date(2024, 1, 1)), Decimal)


def test_a_deployments_series_replaces_the_shipped_one_whole_and_the_rest_stay() -> None:
    shipped = shipped_reference_rates()
    own = reference_rates_from_yaml(_RATES.replace("2024-12-31", "2031-12-31"))
    merged = with_overrides(shipped, own)
    assert set(merged.series) == set(shipped.series)
    assert merged.rate_on("ecb_mro", date(2031, 6, 1)) == Decimal("4.25")
    with pytest.raises(MissingReferenceRate, match="covers 2024-01-01"):  # no splice with the shipped history
        merged.rate_on("ecb_mro", date(2023, 6, 1))
    assert merged.for_source("boe_bank_rate") == shipped.for_source("boe_bank_rate")


def test_a_day_outside_the_known_range_or_an_unknown_source_is_an_error() -> None:
    rates = reference_rates_from_yaml(_RATES)
    with pytest.raises(MissingReferenceRate, match="covers 2024-01-01 to 2024-12-31"):
        rates.rate_on("ecb_mro", date(2025, 1, 1))
    with pytest.raises(MissingReferenceRate, match="no reference-rate series 'boe' is loaded"):
        rates.rate_on("boe", date(2024, 3, 1))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("percent: 4.25", "percent: lots"),
            r"line 7: series\.ecb_mro\.rates\[1\]\.percent: expected a decimal",
        ),
        (("percent: 4.25", "percent: 425"), r"line 7: .*rates\[1\]\.percent: 425 % is not a plausible"),
        (("from: 2024-06-12", "from: 12/06/2024"), r"line 7: .*rates\[1\]\.from: expected a date"),
        (("from: 2024-06-12", "from: 2023-06-12"), r"rates\[1\]\.from: 2023-06-12 is not after"),
        (
            ("    label: ECB main refinancing rate\n", ""),
            r"line 3: series\.ecb_mro: missing field\(s\) label",
        ),
        (("known_through", "known_thru"), r"series\.ecb_mro: unknown field\(s\) known_thru"),
        (
            ("known_through: 2024-12-31", "known_through: 2024-03-01"),
            r"line 4: .*known_through: 2024-03-01 is",
        ),
        (("percent: 4.50}", "percent: .nan}"), r"line 6: not valid YAML: '.nan' is not a finite decimal"),
        (("{from: 2024-01-01", "{from: 2024-01-01 ]"), r"line 6: not valid YAML"),
    ],
)
def test_rate_loading_errors_name_the_line_and_field(edit: tuple[str, str], message: str) -> None:
    with pytest.raises(InterestDataError, match=message):
        reference_rates_from_yaml(_RATES.replace(*edit), source="rates.yaml")


def test_a_gap_or_overlap_between_stated_periods_is_refused() -> None:
    gap = _RATES.replace(
        "{from: 2024-01-01, percent: 4.50}", "{from: 2024-01-01, to: 2024-06-01, percent: 4.50}"
    )
    with pytest.raises(InterestDataError, match=r"line 6: .*rates\[0\]\.to: 2024-06-01 leaves a gap"):
        reference_rates_from_yaml(gap, source="rates.yaml")
    overlap = gap.replace("to: 2024-06-01", "to: 2024-06-30")
    with pytest.raises(InterestDataError, match="leaves an overlap"):
        reference_rates_from_yaml(overlap, source="rates.yaml")
    exact = gap.replace("to: 2024-06-01", "to: 2024-06-11")
    assert reference_rates_from_yaml(exact).rate_on("ecb_mro", date(2024, 6, 11)) == Decimal("4.50")


def test_the_shipped_rates_load_and_cover_every_fixing_from_2023() -> None:
    rates = shipped_reference_rates()
    for source in ("ecb_mro", "boe_bank_rate", "bundesbank_basiszinssatz"):
        series = rates.for_source(source)
        assert series.known_from <= date(2023, 1, 1)
        assert series.known_through >= date(2026, 1, 1)
        assert all(isinstance(change.percent, Decimal) for change in series.changes)
    # The UK fixes at 31 Dec 2022 for interest starting in 2023 H1.
    assert rates.for_source("boe_bank_rate").known_from <= date(2022, 12, 31)


# --- the jurisdiction table ------------------------------------------------------------------------


def test_the_shipped_table_has_the_seed_rows_of_gen_1() -> None:
    table = shipped_jurisdictions()
    assert set(table.rules) >= {"EU", "UK", "DE", "FR", "ES"}
    margins = {code: table.rule(code).margin_pp for code in ("EU", "UK", "DE", "FR", "ES")}
    assert margins == {"EU": 8, "UK": 8, "DE": 9, "FR": 10, "ES": 8}
    uk = table.rule("UK")
    assert (uk.rate_fixing, uk.reference_rate_source) == (RateFixing.FIXED_FOR_DEBT, "boe_bank_rate")
    assert [str(day) for day in uk.fixing_dates] == ["06-30", "12-31"]
    assert uk.default_term_counting is DefaultTermCounting.INCLUDING_RECEIPT_DAY
    assert [(band.debt_from, band.amount) for band in uk.fixed_sum.bands] == [
        (0, 40),
        (1000, 70),
        (10000, 100),
    ]
    for code in ("EU", "DE", "FR", "ES"):
        rule = table.rule(code)
        assert [str(day) for day in rule.fixing_dates] == ["01-01", "07-01"]
        assert (rule.fixed_sum.currency, rule.fixed_sum.bands[0].amount) == ("EUR", 40)
        assert (rule.default_term_days, rule.max_term_days) == (30, 60)
    assert all(not rule.reminder_required for rule in table.rules.values())
    assert table.rule("FR").max_term_days_end_of_month == 45
    with pytest.raises(UnknownJurisdiction, match="no late-payment rules for jurisdiction 'XX'"):
        table.rule("XX")


def _table_text() -> str:
    return shipped_text("jurisdictions.yaml")


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("margin_pp: 9", "margin_pp: nine", "jurisdictions.DE.margin_pp", "expected a decimal number"),
        (
            "rate_fixing: fixed_for_debt",
            "rate_fixing: floating",
            "jurisdictions.UK.rate_fixing",
            "is not one of",
        ),
        (
            '["06-30", "12-31"]',
            '["06-30", "02-29"]',
            r"jurisdictions.UK.fixing_dates\[1\]",
            "29 Feb is not allowed",
        ),
        (
            "{debt_from: 1000, amount: 70}",
            "{debt_from: 1000, amount: 70.001}",
            r"jurisdictions.UK.fixed_sum.bands\[1\].amount",
            "in GBP",
        ),
        (
            "{debt_from: 10000, amount: 100}",
            "{debt_from: 500, amount: 100}",
            r"jurisdictions.UK.fixed_sum.bands\[2\].debt_from",
            "increasing",
        ),
        ("currency: GBP", "currency: GBX", "jurisdictions.UK.fixed_sum.currency", "ISO 4217"),
        (
            "public_authority_max_term_days: 30",
            "public_authority_max_term_days: 20",
            "jurisdictions.UK.public_authority_max_term_days",
            "below",
        ),
    ],
)
def test_table_loading_errors_name_the_line_and_field(old: str, new: str, field: str, message: str) -> None:
    text = _table_text()
    assert old in text
    edited = text.replace(old, new, 1)
    with pytest.raises(
        InterestDataError, match=rf"jurisdictions.yaml line \d+: {field}.*{message}"
    ) as raised:
        jurisdictions_from_yaml(edited, source="jurisdictions.yaml")
    assert f"line {_line_of(edited, new)}:" in str(raised.value)


def test_a_row_that_needs_a_reminder_is_refused() -> None:
    edited = _table_text().replace("reminder_required: false", "reminder_required: true", 1)
    with pytest.raises(InterestDataError, match=r"jurisdictions.EU.reminder_required: true is not supported"):
        jurisdictions_from_yaml(edited, source="jurisdictions.yaml")
