"""The fast money formatter writes every amount exactly as Babel does, or is Babel."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from babel import Locale
from babel.numbers import format_currency, format_decimal

from dunwell.kit.money_format import money_formatter, number_formatter

LOCALES = ("en_US", "en_GB", "de_DE", "de_CH", "fr_FR", "nl_NL", "es_ES", "pt_BR", "sv_SE", "ja_JP",
           "en_IN", "ar_EG", "he_IL", "fa_IR")  # fmt: skip
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CHF", "INR", "BHD", "SEK")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_amount_reads_as_babel_writes_it(locale: str) -> None:
    rng = random.Random(locale)
    for currency in CURRENCIES:
        write = money_formatter(currency, Locale.parse(locale))
        for _ in range(200):
            value = Decimal(rng.randint(-(10**11), 10**11)).scaleb(-rng.choice((0, 1, 2, 3)))
            assert write(value) == format_currency(value, currency, locale=locale), (currency, value)
    for digits in (0, 1, 2):
        write = number_formatter(digits, Locale.parse(locale))
        pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
        values = [Decimal(rng.randint(-(10**9), 10**9)).scaleb(-rng.choice((0, 1, 2, 3))) for _ in range(200)]
        for value in [*values, Decimal("-0.04"), Decimal("-0.004"), Decimal("0.05"), Decimal("2.675")]:
            assert write(value) == format_decimal(value, format=pattern, locale=locale), (digits, value)


def test_the_common_patterns_take_the_fast_path_and_the_indian_grouping_does_not() -> None:
    assert money_formatter("USD", Locale.parse("en_US")).__name__ == "fast"
    assert money_formatter("EUR", Locale.parse("de_DE")).__name__ == "fast"
    assert money_formatter("INR", Locale.parse("en_IN")).__name__ == "babel"  # 12,34,567.00
    assert number_formatter(1, Locale.parse("de_DE")).__name__ == "fast"
