"""Everything checkable a text states, each with its span: amounts (``1.250,50 €``, ``€1,250.50``,
``1 250,50 EUR``, ``USD 1,250.50``, ``1250.5``), dates (``dates``), percentages, invoice-like
references, phone numbers, email addresses, URLs and IBANs.

Extractors run from the most specific to the least (an email address before the URL inside it, a
date before the amount ``15.01`` inside it, an amount before the reference its digits look like),
and each claims its span, so one piece of text is read once. A figure whose reading depends on the
locale (``1.250`` is 1250 in Germany, 1.25 in Britain) carries both readings, the locale's first."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from babel import Locale
from babel.numbers import get_currency_symbol, get_decimal_symbol, list_currencies

from dunwell.drafting.dates import find_dates


class FoundKind(StrEnum):
    AMOUNT = "amount"
    DATE = "date"
    RELATIVE_DATE = "relative_date"
    PERCENTAGE = "percentage"
    REFERENCE = "reference"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    IBAN = "iban"


@dataclass(frozen=True, slots=True)
class Found:
    kind: FoundKind
    text: str
    span: tuple[int, int]
    #: Amounts and percentages: the readings of the figure, the locale's first.
    numbers: tuple[Decimal, ...] = ()
    #: Amounts: the currencies the written symbol or code can mean (``$``: several); empty if none.
    currencies: frozenset[str] = frozenset()
    dates: tuple[date, ...] = ()
    month_day: tuple[int, int] | None = None
    weekday: int | None = None
    offset_days: int | None = None
    #: Phone digits, a lower-case address or URL, an IBAN or reference without separators.
    key: str = ""


_COMMON_CURRENCIES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "JPY",
    "CAD",
    "AUD",
    "NZD",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
)
_SYMBOL_LOCALES = (
    "en_GB",
    "en_US",
    "en_CA",
    "en_AU",
    "de_DE",
    "de_CH",
    "fr_FR",
    "fr_CH",
    "es_ES",
    "nl_NL",
    "sv_SE",
)
_CURRENCY_WORDS = {
    "euro": {"EUR"},
    "euros": {"EUR"},
    "dollar": {"USD", "CAD", "AUD", "NZD"},
    "dollars": {"USD", "CAD", "AUD", "NZD"},
    "pound": {"GBP"},
    "pounds": {"GBP"},
    "pfund": {"GBP"},
    "livres": {"GBP"},
    "libras": {"GBP"},
    "franken": {"CHF"},
    "francs": {"CHF"},
    "fr.": {"CHF"},
}


@functools.lru_cache(maxsize=1)
def _currency_tokens() -> dict[str, frozenset[str]]:
    tokens: dict[str, set[str]] = {code: {code} for code in list_currencies() if len(code) == 3}
    for locale in _SYMBOL_LOCALES:
        for code in _COMMON_CURRENCIES:
            tokens.setdefault(get_currency_symbol(code, locale), set()).add(code)
    tokens.setdefault("$", set()).update({"USD", "CAD", "AUD", "NZD"})
    for word, codes in _CURRENCY_WORDS.items():
        tokens.setdefault(word, set()).update(codes)
        tokens.setdefault(word.capitalize(), set()).update(codes)
    return {token: frozenset(codes) for token, codes in tokens.items()}


@functools.lru_cache(maxsize=1)
def _amount_pattern() -> re.Pattern[str]:
    currency = "|".join(re.escape(t) for t in sorted(_currency_tokens(), key=len, reverse=True))
    grouped = r"\d{1,3}(?:(?:[.,'’]|[ \u00a0\u202f])\d{3})+(?:[.,]\d{1,3})?"
    plain = r"\d+(?:[.,]\d{1,3})?"
    # A currency written before the figure must not end a word ("ZAR" in "BAZAR 12"), one written
    # after must not begin one; a code glued to the figure ("EUR40") is accepted.
    return re.compile(
        rf"(?:(?<![\w$€£¥])(?P<pre>{currency})[ \u00a0\u202f]?|(?<![\w.,]))"
        rf"-?(?P<num>{grouped}|{plain})(?![\d]|[.,]\d)"
        rf"(?:[ \u00a0\u202f]?(?P<post>{currency})(?![\w]))?"
    )


_PERCENT = re.compile(
    r"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)?)[ \u00a0\u202f]?"
    r"(?:%|(?:percent|per cent|prozent|pour ?cent|por ?ciento|procent)(?![\w]))",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLDS = "com|net|org|info|biz|io|co|eu|de|fr|es|nl|be|ch|at|it|pt|uk|us|app|dev|shop|online|site|ly|me"
_URL = re.compile(
    rf"(?:https?://|www\.)[^\s<>\"'()\[\]]+|(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:{_TLDS})(?:/[^\s<>\"'()\[\]]*)?(?![\w-])",
    re.IGNORECASE,
)
_IBAN = re.compile(r"(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)\d{1,3}(?:[ .-]?\(0\))?(?:[ ./-]?\(?\d{1,5}\)?){2,6}"  # +49 30 1234567, 0044 (0)20 …
    r"|\(?0\d{1,5}\)?[ /-]\d{2,}(?:[ /-]?\d{2,}){0,4}"  # 030 1234567, (030) 123 45 67
    r"|\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}"  # (555) 123-4567
    r")(?![\d]|[.,]\d)"
)
_TIME = re.compile(
    r"(?<![\d.,])\d{1,2}(?::\d{2}(?:\s?(?:uhr|h|am|pm|a\.m\.|p\.m\.))?|[.h]\d{2}\s?(?:uhr|h|am|pm|a\.m\.|p\.m\.))(?![\w])",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"(?<![\w@/.#-])#?[A-Za-z0-9]+(?:[-/_.][A-Za-z0-9]+)*(?![\w@-])")
_NOT_REFERENCE = re.compile(
    r"^\d+(?:st|nd|rd|th|er|re|e|eme|ème|º|ª|h|am|pm|min|x|k|m|km|kg|pp|d)$|^[a-z]+\d?$", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[\s\u00a0\u202f'’]")


def extract(text: str, locale: str = "en_GB", language: str = "en") -> tuple[Found, ...]:
    """Everything checkable in ``text``, in reading order; figures read in ``locale``."""
    taken: list[tuple[int, int]] = []
    found: list[Found] = []

    def claim(span: tuple[int, int]) -> bool:
        if any(span[0] < end and start < span[1] for start, end in taken):
            return False
        taken.append(span)
        return True

    for m in _EMAIL.finditer(text):
        if claim(m.span()):
            found.append(Found(FoundKind.EMAIL, m.group(), m.span(), key=m.group().lower()))
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?")
        span = (m.start(), m.start() + len(url))
        if claim(span):
            found.append(Found(FoundKind.URL, url, span, key=url_key(url)))
    for m in _IBAN.finditer(text):
        if claim(m.span()):
            found.append(Found(FoundKind.IBAN, m.group(), m.span(), key=compact(m.group())))
    month_first = Locale.parse(locale).territory == "US"
    for mention in sorted(find_dates(text, month_first=month_first, language=language), key=lambda d: d.span):
        if claim(mention.span):
            kind = FoundKind.RELATIVE_DATE if mention.relative else FoundKind.DATE
            start, end = mention.span
            found.append(
                Found(
                    kind,
                    text[start:end],
                    mention.span,
                    dates=mention.dates,
                    month_day=mention.month_day,
                    weekday=mention.weekday,
                    offset_days=mention.offset_days,
                )
            )
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 7 <= len(digits) <= 15 and claim(m.span()):
            found.append(Found(FoundKind.PHONE, m.group(), m.span(), key=phone_key(m.group())))
    for m in _TIME.finditer(text):
        claim(m.span())  # a clock time is neither an amount nor a reference; nothing to check
    for m in _PERCENT.finditer(text):
        if claim(m.span()):
            number = Decimal(m.group("num").replace(",", "."))
            found.append(Found(FoundKind.PERCENTAGE, m.group(), m.span(), numbers=(number,)))
    found.extend(_amounts(text, locale, claim))
    for m in _REFERENCE.finditer(text):
        token = m.group().lstrip("#")
        if _looks_like_reference(token) and claim(m.span()):
            found.append(Found(FoundKind.REFERENCE, m.group(), m.span(), key=compact(token)))
    return tuple(sorted(found, key=lambda f: f.span))


def _amounts(text: str, locale: str, claim: Callable[[tuple[int, int]], bool]) -> Iterable[Found]:
    decimal_symbol = get_decimal_symbol(locale)
    tokens = _currency_tokens()
    for m in _amount_pattern().finditer(text):
        number = m.group("num")
        currencies = tokens.get(m.group("pre") or "", frozenset()) | tokens.get(
            m.group("post") or "", frozenset()
        )
        readings = readings_of(number, decimal_symbol)
        has_separator = bool(re.search(r"[.,'’ \u00a0\u202f]", number))
        # A bare whole number ("45 days", "2027") is not an amount; a figure with a currency, decimals
        # or grouping is.
        if not readings or not (currencies or has_separator):
            continue
        span = m.span() if currencies else m.span("num")
        if claim(span):
            yield Found(
                FoundKind.AMOUNT, text[span[0] : span[1]], span, numbers=readings, currencies=currencies
            )


def readings_of(number: str, decimal_symbol: str = ".") -> tuple[Decimal, ...]:
    """The values a written figure can mean, the locale's reading first.

    Both ``.`` and ``,`` present: the last is the decimal mark. One mark used more than once, or
    a space, apostrophe: grouping. One mark followed by three digits: the locale decides, the other
    reading is kept second. One mark followed by one or two digits: decimals."""
    body = _SEPARATORS.sub("", number)
    marks = [c for c in body if c in ".,"]
    if not marks:
        return (Decimal(body),) if body.isdigit() else ()
    if len(set(marks)) == 2:
        decimal = body[max(body.rfind("."), body.rfind(","))]
        whole, _, fraction = body.rpartition(decimal)
        return (Decimal(whole.replace(".", "").replace(",", "") + "." + fraction),)
    mark = marks[0]
    if len(marks) > 1:
        return (Decimal(body.replace(mark, "")),)
    whole, _, fraction = body.partition(mark)
    as_decimal = Decimal(f"{whole}.{fraction}")
    if len(fraction) != 3:
        return (as_decimal,)
    as_grouped = Decimal(whole + fraction)
    return (as_decimal, as_grouped) if mark == decimal_symbol else (as_grouped, as_decimal)


def _looks_like_reference(token: str) -> bool:
    digits = sum(c.isdigit() for c in token)
    letters = sum(c.isalpha() for c in token)
    if digits == 0 or _NOT_REFERENCE.match(token):
        return False
    return (letters > 0 and len(token) >= 3) or digits >= 5


def compact(text: str) -> str:
    """An identifier without case or separators: ``INV-2027/001`` and ``inv2027001`` are one."""
    return re.sub(r"[\s\u00a0\u202f\-/_.#]", "", text).upper()


def phone_key(text: str) -> str:
    """The national significant number: ``+49 30 1234567``, ``0049 30 1234567`` and ``030 1234567``
    all end in ``301234567``; comparing the last nine digits makes them one number."""
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    return digits[-9:]


def url_key(url: str) -> str:
    """A URL without scheme, ``www.``, trailing slash, and with a lower-case host."""
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    host, slash, path = bare.partition("/")
    return host.lower() + slash + path
