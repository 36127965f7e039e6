"""Source text to typed values: numbers, dates, booleans, codes.

Each ``make_*`` function builds a converter once per mapping (the separators and formats are bound
then), so the per-row work is a single call. Converters take stripped, non-empty text and raise
``FieldError`` with a reason a person can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dunwell.core.currencies import is_currency
from dunwell.core.documents import DocumentKind


class FieldError(ValueError):
    """A source value that cannot become its field's type; ``reason`` is the message for the reject file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


#: Date parsing results are cached per converter: AR files repeat the same few hundred dates.
DATE_CACHE_SIZE = 16384

#: Amounts must stay below 10**14: any currency then fits a signed 64-bit count of minor units.
MAX_INTEGER_DIGITS = 14

_TRUE = frozenset({"true", "yes", "y", "1", "t"})
_FALSE = frozenset({"false", "no", "n", "0", "f"})
_DOCUMENT_KINDS = {
    **dict.fromkeys(("invoice", "inv"), DocumentKind.INVOICE),
    **dict.fromkeys(
        ("credit_memo", "creditmemo", "credit", "cm", "credit_note", "cn", "credit_nota"),
        DocumentKind.CREDIT_MEMO,
    ),
}


def make_decimal_parser(
    decimal_separator: str = ".", thousands_separator: str = ""
) -> Callable[[str], Decimal]:
    """A converter for amounts written with the given separators (``1.234,56`` with ``,`` and ``.``).

    A thousands separator must group digits by three before the decimal separator, so that a stray
    ``12.50`` in a decimal-comma file is rejected instead of read as 1250. NaN and infinities are
    rejected; an exponent (``1E+3``) is accepted.
    """
    dec, thou = decimal_separator, thousands_separator
    expected = f"decimal separator {dec!r}" + (f", thousands separator {thou!r}" if thou else "")
    grouped = (
        re.compile(rf"[+-]?\d{{1,3}}(?:{re.escape(thou)}\d{{3}})+(?:{re.escape(dec)}\d*)?") if thou else None
    )

    def parse_plain(text: str) -> Decimal:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise FieldError(f"not a number: {text!r} ({expected})") from None
        # Decimal() also accepts "NaN", "Infinity" and digit-group underscores; none is an amount.
        if not value.is_finite() or "_" in text:
            raise FieldError(f"not a number: {text!r} ({expected})")
        if value.adjusted() >= MAX_INTEGER_DIGITS:
            raise FieldError(
                f"number too large: {text!r} (at most {MAX_INTEGER_DIGITS} digits before the decimals)"
            )
        return value

    def parse(text: str) -> Decimal:
        if grouped is not None and thou in text:
            if grouped.fullmatch(text) is None:
                raise FieldError(f"not a number: {text!r} ({expected})")
            text = text.replace(thou, "")
        if dec != ".":
            if "." in text:
                raise FieldError(f"not a number: {text!r} ({expected})")
            text = text.replace(dec, ".")
        return parse_plain(text)

    # The common layout skips the separator handling: this runs for every amount of every row.
    return parse_plain if dec == "." and not thou else parse


def make_date_parser(formats: tuple[str, ...]) -> Callable[[str], date]:
    """A cached converter trying ISO ``YYYY-MM-DD`` (with an optional time part) first, then ``formats``.

    ISO is always accepted because XLSX and Parquet readers render date cells that way, whatever
    the mapping says about the file's text dates.
    """
    expected = " or ".join(formats)

    @lru_cache(maxsize=DATE_CACHE_SIZE)
    def parse(text: str) -> date:
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            try:
                if len(text) == 10:
                    return date.fromisoformat(text)
                if text[10] in "T ":
                    return datetime.fromisoformat(text).date()
            except ValueError:
                pass
        for fmt in formats:
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no zone
            except ValueError:
                continue
        raise FieldError(f"unparseable date {text!r} (expected {expected})")

    return parse


def make_bool_parser(
    true_values: tuple[str, ...] = (), false_values: tuple[str, ...] = ()
) -> Callable[[str], bool]:
    """A case-insensitive yes/no converter; the given spellings replace the built-in ones."""
    trues = frozenset(v.casefold() for v in true_values) if true_values else _TRUE
    falses = frozenset(v.casefold() for v in false_values) if false_values else _FALSE
    expected = "/".join(sorted(trues)) + " or " + "/".join(sorted(falses))

    def parse(text: str) -> bool:
        folded = text.casefold()
        if folded in trues:
            return True
        if folded in falses:
            return False
        raise FieldError(f"not a yes/no value: {text!r} (expected {expected})")

    return parse


def parse_text(text: str) -> str:
    """Text as is (the reader has stripped it)."""
    return text


def strip_dot_zero(text: str) -> str:
    """``1930659387.0`` to ``1930659387``: an id that went through a float column."""
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def parse_currency(text: str) -> str:
    """An ISO 4217 code, upper-cased; rejects unknown codes."""
    code = text.upper()
    if not is_currency(code):
        raise FieldError(f"unknown currency {text!r} (expected an ISO 4217 code such as USD)")
    return code


def parse_document_kind(text: str) -> DocumentKind:
    """``invoice``/``INV`` or ``credit_memo``/``CM``/``credit``/``credit note``, case-insensitive."""
    kind = _DOCUMENT_KINDS.get(text.casefold().replace(" ", "_").replace("-", "_"))
    if kind is None:
        raise FieldError(f"unknown document type {text!r} (expected invoice or credit_memo)")
    return kind


def parse_country(text: str) -> str:
    """An ISO 3166 alpha-2 code, upper-cased; anything but two ASCII letters is rejected."""
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise FieldError(f"not an ISO 3166 alpha-2 country code: {text!r} (expected two letters such as US)")
    return text.upper()


def parse_time_zone(text: str) -> str:
    """An IANA time zone name (``Europe/Paris``); rejects names the zone database does not know."""
    if not _is_time_zone(text):
        raise FieldError(f"unknown time zone {text!r} (expected an IANA name such as Europe/Paris)")
    return text


def parse_days(text: str) -> int:
    """A whole number of days; ``13.0`` is accepted (spreadsheets write counts as floats)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = Decimal(text)
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
    except InvalidOperation:
        pass
    raise FieldError(f"not a whole number of days: {text!r}")


@lru_cache(maxsize=1024)
def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
