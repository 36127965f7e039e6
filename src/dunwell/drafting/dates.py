"""Dates as people write them in English, German, French, Spanish and Dutch: ISO, numeric
(``15.01.2027``, ``15/01/2027``, ``01/15/2027`` in the US), with month names (``January 15, 2027``,
``15. Januar 2027``, ``15 de enero de 2027``, ``1er mars``, ``March 3rd``), with a weekday, and the
relative words (``tomorrow``, ``in 7 days``, ``next week``).

Month and weekday names come from Babel's locale data, so every spelling the templates print
(``3 Sept 2027``, ``3 janv. 2027``) is one this reads."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from babel.dates import get_day_names, get_month_names

_NAME_LOCALES = ("en_GB", "en_US", "de_DE", "fr_FR", "es_ES", "nl_NL")
#: Weekday abbreviations shorter than this ("do", "ma") are ordinary words too often to trust.
_MIN_WEEKDAY_LENGTH = 3
#: Spellings people write that Babel's data lacks.
_EXTRA_MONTHS = {"sept": 9, "sep": 9, "febr": 2, "setiembre": 9, "mrz": 3}


@dataclass(frozen=True, slots=True)
class DateMention:
    span: tuple[int, int]
    #: The readings, the locale's first (``03/04/2027`` is 3 April in Europe, March 4 in the US).
    dates: tuple[date, ...] = ()
    #: A date written without its year ("March 3rd"): the month and day.
    month_day: tuple[int, int] | None = None
    weekday: int | None = None
    #: A relative date: days after today, or None when it names no single day ("next week").
    relative: bool = False
    offset_days: int | None = None


def fold(text: str) -> str:
    """Lower case without accents: ``Févr.`` and ``fevr`` are one spelling."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    names: dict[str, int] = dict(_EXTRA_MONTHS)
    for locale in _NAME_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names[fold(name).rstrip(".")] = number
    return names


@functools.lru_cache(maxsize=1)
def _weekdays() -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in _NAME_LOCALES:
        for width in ("wide", "abbreviated"):
            for number, name in get_day_names(width, "format", locale).items():
                key = fold(name).rstrip(".")
                if len(key) >= _MIN_WEEKDAY_LENGTH:
                    names[key] = number  # Babel numbers Monday 0, as date.weekday() does
    return names


def _alternation(words: dict[str, int]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Matched against the folded text (same length as the original for these scripts, checked
    # in ``_folded``), so spans carry over.
    months, weekdays = _alternation(_months()), _alternation(_weekdays())
    weekday = rf"(?:(?P<wd>{weekdays})\.?,?\s+(?:(?:the|den|le|el|de)\s+)?)?"
    day = r"(?<![\d.,])(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|re|eme|e|º|ª|o|\.)?"
    month = rf"(?P<m>{months})(?![a-z])\.?"
    year = r"(?P<y>\d{4})(?!\d)"
    day_first = re.compile(
        rf"(?<![a-z]){weekday}{day}\s*(?:of\s+|de\s+)?{month}(?:,?\s*(?:de\s+|del\s+)?{year})?"
    )
    month_first = re.compile(rf"(?<![a-z]){weekday}{month}\s+{day}(?![\d])(?:,?\s+{year})?")
    return day_first, month_first


_ISO = re.compile(r"(?<![\d./-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
_YMD = re.compile(r"(?<![\d./-])(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?![\d])")
_NUMERIC = re.compile(r"(?<![\d./,-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[.,]\d)")

#: Relative dates per language, most specific first, with the days after today they name
#: (None: no single day, so they cannot be checked against the facts).
_RELATIVE: dict[str, tuple[tuple[str, int | None], ...]] = {
    "en": (
        (r"day after tomorrow", 2),
        (r"tomorrow", 1),
        (r"today", 0),
        (r"tonight", 0),
        (r"yesterday", -1),
        (
            r"(?:next|this|coming) (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
            None,
        ),
        (r"end of (?:the |this |next )?(?:week|month)", None),
        (r"(?:in|within) (\d{1,3}) (?:calendar |business |working )?days?", 0),
    ),
    "de": (
        (r"übermorgen", 2),
        (r"(?<!guten )morgen(?! früh)", 1),
        (r"heute", 0),
        (r"gestern", -1),
        (
            r"(?:nächste|kommende|diese)[nrs]? (?:woche|monat|montag|dienstag|mittwoch|donnerstag|freitag)",
            None,
        ),
        (r"(?:ende|anfang) (?:der woche|des monats|nächster woche|nächsten monats)", None),
        (r"(?:in|innerhalb von|binnen) (\d{1,3}) (?:kalender|werk|arbeits)?tag(?:en|e)?", 0),
    ),
    "fr": (
        (r"après-demain", 2),
        (r"demain", 1),
        (r"aujourd'hui|aujourd’hui", 0),
        (r"(?<![a-z])hier", -1),
        (r"(?:la semaine|le mois) prochaine?|(?:cette|la) semaine", None),
        (r"(?:lundi|mardi|mercredi|jeudi|vendredi) prochain", None),
        (r"(?:fin|début) (?:du mois|de (?:la|cette) semaine|de semaine|de mois)", None),
        (r"(?:dans|sous) (?:un délai de )?(\d{1,3}) jours?(?: ouvrés| ouvrables| calendaires)?", 0),
    ),
    "es": (
        (r"pasado mañana", 2),
        (r"(?<!la )mañana", 1),
        (r"hoy", 0),
        (r"ayer", -1),
        (r"(?:la|esta) (?:próxima )?semana(?: que viene)?|el (?:próximo )?mes(?: que viene)?", None),
        (r"el próximo (?:lunes|martes|miércoles|jueves|viernes)", None),
        (r"(?:a )?(?:finales|fin|principios) de (?:mes|semana)", None),
        (r"(?:en|dentro de|en un plazo de) (\d{1,3}) días?(?: hábiles| naturales)?", 0),
    ),
    "nl": (
        (r"overmorgen", 2),
        (r"(?<!goede )morgen", 1),
        (r"vandaag", 0),
        (r"gisteren", -1),
        (r"(?:volgende|komende|deze) (?:week|maand|maandag|dinsdag|woensdag|donderdag|vrijdag)", None),
        (r"(?:eind|begin) (?:van )?(?:de|deze|volgende) (?:week|maand)", None),
        (r"(?:binnen|in|over) (\d{1,3}) (?:werk)?dagen", 0),
    ),
}


@functools.lru_cache(maxsize=8)
def _relative_patterns(language: str) -> tuple[tuple[re.Pattern[str], int | None], ...]:
    languages = ("en",) if language == "en" else ("en", language)
    return tuple(
        (re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE), offset)
        for lang in languages
        for pattern, offset in _RELATIVE.get(lang, ())
    )


def find_dates(text: str, *, month_first: bool, language: str) -> Iterator[DateMention]:
    """Every date in ``text``; numeric dates read month first when ``month_first`` (en_US)."""
    folded = _folded(text)
    for m in _ISO.finditer(text):
        found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        yield _numeric(folded, m, (found,) if found else ())
    for m in _YMD.finditer(text):
        found = _valid(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        yield _numeric(folded, m, (found,) if found else ())
    for m in _NUMERIC.finditer(text):
        first, second, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        orders = ((second, first), (first, second)) if month_first else ((first, second), (second, first))
        readings = tuple(dict.fromkeys(d for day, month in orders if (d := _valid(year, month, day))))
        yield _numeric(folded, m, readings)
    for pattern in _word_patterns():
        for m in pattern.finditer(folded):
            yield _word_date(m)
    for pattern, offset in _relative_patterns(language):
        for m in pattern.finditer(text):
            days = int(m.group(1)) if m.lastindex else offset
            yield DateMention(span=m.span(), relative=True, offset_days=days)


def _numeric(folded: str, m: re.Match[str], readings: tuple[date, ...]) -> DateMention:
    """A numeric date, with the weekday written before it if any ("Monday, 15.03.2027"), which
    then belongs to the mention: a wrong weekday is a wrong date."""
    before = _WEEKDAY_BEFORE().search(folded, 0, m.start())
    if before is None:
        return DateMention(span=m.span(), dates=readings)
    weekday = _weekdays()[before.group("wd")]
    return DateMention(span=(before.start(), m.end()), dates=readings, weekday=weekday)


@functools.lru_cache(maxsize=1)
def _WEEKDAY_BEFORE() -> re.Pattern[str]:  # noqa: N802 - a compiled constant, built on first use
    return re.compile(rf"(?<![a-z])(?P<wd>{_alternation(_weekdays())})\.?,?\s+(?:(?:the|den|le|el|de)\s+)?$")


def _word_date(m: re.Match[str]) -> DateMention:
    month = _months()[m.group("m")]
    day = int(m.group("d"))
    weekday = _weekdays()[m.group("wd")] if m.group("wd") else None
    if m.group("y"):
        found = _valid(int(m.group("y")), month, day)
        return DateMention(span=m.span(), dates=(found,) if found else (), weekday=weekday)
    # An impossible day without a year (31 February) is still a date the facts cannot hold.
    return DateMention(span=m.span(), month_day=(month, day), weekday=weekday)


def _folded(text: str) -> str:
    folded = fold(text)
    # Folding keeps one character per character for Latin scripts; where it would not (a
    # ligature), fold character by character so spans still point into the original.
    if len(folded) == len(text):
        return folded
    return "".join(fold(c)[:1] or c for c in text)


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
