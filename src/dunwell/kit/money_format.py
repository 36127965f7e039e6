"""Money and figures for people, as Babel writes them, without Babel's cost per amount.

Babel's ``format_currency`` reads the locale's pattern and symbols and applies them anew for each
amount (about 50 µs): a customer page shows hundreds of amounts. Here the pattern is read once per
currency and locale and applied with Python's own number formatting. A pattern this does not
handle (grouping other than threes, as in India's 12,34,567) and any pair whose probe amounts do
not come out exactly as Babel writes them keep Babel: the output never differs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

from babel import Locale
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

Formatter = Callable[[Decimal], str]
_PROBES = tuple(
    Decimal(text)
    for text in (
        "0",
        "0.05",
        "1",
        "-1",
        "12.5",
        "999.99",
        "1000",
        "-1234.5",
        "1234567.891",
        "-98765432.1",
        "-0.004",
        "-0.04",
        "2.675",
        "0.15",
        "0.25",
    )
)


@functools.lru_cache(maxsize=512)
def money_formatter(currency: str, locale: Locale) -> Formatter:
    """A function writing an amount of ``currency`` exactly as ``format_currency`` does in ``locale``."""

    def babel(value: Decimal) -> str:
        return format_currency(value, currency, locale=locale)

    fast = _fast(currency, locale)
    if fast is None or any(fast(p) != babel(p) for p in _PROBES):
        return babel
    return fast


def _fast(currency: str, locale: Locale) -> Formatter | None:
    pattern = locale.currency_formats.get("standard")
    if pattern is None or pattern.grouping != (3, 3) or pattern.scale != 0:
        return None
    digits = get_currency_precision(currency)
    symbol = get_currency_symbol(currency, locale)
    minus = get_minus_sign_symbol(locale)
    separators = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})
    quantum = Decimal(1).scaleb(-digits)

    def affix(text: str) -> str:
        return text.replace("¤", symbol).replace("-", minus)

    (positive, negative), (positive_end, negative_end) = pattern.prefix, pattern.suffix
    affixes = {False: (affix(positive), affix(positive_end)), True: (affix(negative), affix(negative_end))}

    def fast(value: Decimal) -> str:
        rounded = value.quantize(quantum)  # half-even, as Babel rounds
        start, end = affixes[value < 0]  # the amount's sign, as Babel: -0.004 is "-$0.00"
        return f"{start}{format(abs(rounded), f',.{digits}f').translate(separators)}{end}"

    return fast


@functools.lru_cache(maxsize=512)
def number_formatter(digits: int, locale: Locale) -> Formatter:
    """A function writing a figure grouped, with ``digits`` decimals, exactly as ``format_decimal``
    does in ``locale`` with the pattern ``#,##0.0…`` (Babel itself where they would differ)."""
    pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"

    def babel(value: Decimal) -> str:
        return format_decimal(value, format=pattern, locale=locale)

    quantum = Decimal(1).scaleb(-digits)
    minus = get_minus_sign_symbol(locale)
    separators = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})

    def fast(value: Decimal) -> str:
        rounded = value.quantize(quantum)
        text = format(abs(rounded), f",.{digits}f").translate(separators)
        return f"{minus}{text}" if value < 0 else text

    if any(fast(p) != babel(p) for p in _PROBES):
        return babel
    return fast
