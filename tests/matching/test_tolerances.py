"""Tolerances are money of their currency, configurable, and computed without floats."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from tests.matching.test_engine import CUSTOMERS, item, pay

from dunwell.config import Settings
from dunwell.matching.engine import Matcher
from dunwell.matching.tolerances import Limits, Tolerances, parse_limits, percent, share_of


def test_limits_are_per_currency_in_its_minor_units() -> None:
    shipped = Tolerances()
    assert shipped.limits("USD").write_off_minor == 5_000  # 50.00
    assert shipped.limits("JPY").write_off_minor == 5_000  # 5,000 yen: no minor unit
    assert shipped.limits("KWD").write_off_minor == 50_000  # 50.000 dinars: three decimals
    assert shipped.limits("USD").small_overpayment_minor == 10_000
    assert Tolerances({"USD": Decimal("12.5")}).limits("USD").write_off_minor == 1_250


def test_shares_are_integer_arithmetic() -> None:
    limits = Limits(5_000, 10_000)
    assert limits.write_off(1_999) == 199  # a tenth, rounded down: never more than the share
    assert limits.short(900) == 100  # 1,000 of items less 10 % is 900
    assert limits.small_over(49_999) == 999
    assert share_of(33_333, Fraction(1, 3)) == 11_111
    assert share_of(5, Fraction(1, 2)) == 3  # half a unit up
    assert percent(Fraction(2, 3)) == "66%"


def test_a_bad_limit_is_refused_with_the_expected_form() -> None:
    assert parse_limits(["usd=50", "JPY=5000"]) == {"USD": Decimal(50), "JPY": Decimal(5000)}
    for bad in ("USD", "USD=abc", "DOLLARS=5", "USD=-1"):
        with pytest.raises(ValueError, match="CURRENCY=AMOUNT"):
            parse_limits([bad])


def test_the_write_off_limit_decides_between_a_fee_and_a_partial_payment() -> None:
    items = [item("90000101", "C1", 1_000_000)]
    short = pay(1_000_000 - 4_000, "90000101", account="US11BANK0000000001")  # 40.00 short
    assert "short_paid" in {e.signal for e in Matcher(items, CUSTOMERS).match(short).candidates[0].evidence}
    strict = Matcher(items, CUSTOMERS, tolerances=Tolerances({"USD": Decimal(20)}))
    assert "partial_payment" in {e.signal for e in strict.match(short).candidates[0].evidence}
    yen_items = [replace(i, currency="JPY") for i in items]
    yen = replace(short, currency="JPY")  # 4,000 yen short of 1,000,000 yen: a fee
    assert "short_paid" in {e.signal for e in Matcher(yen_items, CUSTOMERS).match(yen).candidates[0].evidence}


def test_settings_read_the_limits_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUNWELL_CASHAPP_WRITE_OFF_LIMITS", '{"USD": "25", "JPY": "3000"}')
    assert Settings().cashapp_write_off_limits == {"USD": Decimal(25), "JPY": Decimal(3000)}
