"""Money: exact Decimal amounts, minor units per ISO 4217, no mixing of currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dunwell.core.currencies import MINOR_UNIT_EXPONENTS, is_currency, minor_unit_exponent
from dunwell.core.errors import CurrencyError
from dunwell.core.money import Money, decimal_to_minor, has_valid_precision, minor_to_decimal, quantum


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3), ("BHD", 3), ("CLF", 4)],
)
def test_minor_unit_exponents(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent
    assert quantum(currency) == Decimal(1).scaleb(-exponent)


def test_unknown_and_metal_codes_are_rejected() -> None:
    assert not is_currency("usd")
    assert not is_currency("XAU")  # gold has no minor unit: not an invoicing currency
    with pytest.raises(CurrencyError, match="unknown currency 'ABC'"):
        Money(Decimal("1"), "ABC")


def test_minor_units_round_trip_for_0_2_and_3_decimal_currencies() -> None:
    assert Money.of("1234", "JPY").to_minor() == 1234
    assert Money.of("12.34", "USD").to_minor() == 1234
    assert Money.of("1.234", "KWD").to_minor() == 1234
    assert Money.from_minor(1234, "KWD") == Money(Decimal("1.234"), "KWD")


def test_to_minor_refuses_sub_minor_precision_instead_of_rounding() -> None:
    with pytest.raises(ValueError, match="more decimals than JPY allows"):
        Money(Decimal("10.5"), "JPY").to_minor()
    assert not has_valid_precision(Decimal("0.001"), "USD")
    assert has_valid_precision(Decimal("0.001"), "KWD")


def test_of_rounds_half_even_in_one_place() -> None:
    # Banker's rounding: 0.125 -> 0.12, 0.135 -> 0.14.
    assert Money.of("0.125", "USD").amount == Decimal("0.12")
    assert Money.of("0.135", "USD").amount == Decimal("0.14")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="must be a Decimal"):
        Money(0.1, "USD")  # type: ignore[arg-type]


def test_arithmetic_across_currencies_raises() -> None:
    with pytest.raises(CurrencyError, match="cannot combine USD and EUR"):
        _ = Money.of("1", "USD") + Money.of("1", "EUR")
    with pytest.raises(CurrencyError):
        _ = Money.of("1", "USD") < Money.of("1", "EUR")


def test_arithmetic_is_exact() -> None:
    total = Money.zero("USD")
    for _ in range(10):
        total = total + Money.of("0.10", "USD")
    assert total == Money.of("1.00", "USD")
    assert (-total).amount == Decimal("-1.00")
    assert str(total) == "1.00 USD"


currencies = st.sampled_from(sorted(MINOR_UNIT_EXPONENTS))


@given(minor=st.integers(min_value=-(10**15), max_value=10**15), currency=currencies)
def test_minor_units_round_trip_property(minor: int, currency: str) -> None:
    money = Money.from_minor(minor, currency)
    assert money.to_minor() == minor
    assert decimal_to_minor(minor_to_decimal(minor, currency), currency) == minor


@given(
    a=st.integers(min_value=-(10**12), max_value=10**12),
    b=st.integers(min_value=-(10**12), max_value=10**12),
    currency=currencies,
)
def test_addition_matches_integer_minor_units(a: int, b: int, currency: str) -> None:
    assert (Money.from_minor(a, currency) + Money.from_minor(b, currency)).to_minor() == a + b
    assert (Money.from_minor(a, currency) - Money.from_minor(b, currency)).to_minor() == a - b
