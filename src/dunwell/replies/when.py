# ruff: noqa: E501 - pattern and phrase tables read best one entry a line
"""Dates a reply states, resolved against the day the message was sent.

Written dates come from ``dunwell.drafting.dates`` (numeric, ISO, with month names; a date without
a year is the next such day on or after the message, allowing a week back for "paid on 3 March").
This module adds what a reply says about days relative to its own date, in the five languages:

- a weekday, alone or with "next/this/coming", "nächsten", "prochain", "el próximo", "volgende":
  the first such day after the message's day ("next Friday" written on a Wednesday is in two days);
  "Friday next week", "volgende week vrijdag", "nächste Woche Freitag": that weekday in the
  following calendar week;
- a day of the month alone ("on the 15th", "am 15.", "le 15", "el 15", "de 15e"): this month if
  still ahead, else next month;
- "end of the month"/"Monatsende"/"fin de mois"/"fin de mes"/"eind van de maand": the month's last day;
  "end of next month" likewise; "end of the week": the Friday of the week;
- "tomorrow", "in 10 days" (the drafting engine's offsets), "in two weeks"/"in 2 Wochen"/"dans deux
  semaines"/"en dos semanas"/"over twee weken": whole days or weeks after the message."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from dunwell.drafting.dates import find_dates, fold

#: A date without a year up to this many days before the message is a past day, not next year's.
_PAST_WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    day: date
    span: tuple[int, int]


_WEEKDAYS = {
    0: "monday|montag|lundi|lunes|maandag",
    1: "tuesday|dienstag|mardi|martes|dinsdag",
    2: "wednesday|mittwoch|mercredi|miercoles|woensdag",
    3: "thursday|donnerstag|jeudi|jueves|donderdag",
    4: "friday|freitag|vendredi|viernes|vrijdag",
    5: "saturday|samstag|samedi|sabado|zaterdag",
    6: "sunday|sonntag|dimanche|domingo|zondag",
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "a": 1, "ein": 1, "eine": 1, "einer": 1, "zwei": 2,
    "drei": 3, "vier": 4, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "una": 1, "dos": 2,
    "tres": 3, "cuatro": 4, "een": 1, "twee": 2, "drie": 3,
}  # fmt: skip
_NEXT_WEEK = r"(?:next week|nachste woche|la semaine prochaine|semaine prochaine|la proxima semana|la semana que viene|volgende week)"
_END_OF_MONTH = re.compile(
    r"(?:end of (?:the |this )?month|month[- ]end|(?:zum |bis )?(?:ende (?:des|dieses) monats|monatsende)|ultimo"
    r"|(?:a la |d'ici la )?fin (?:du |de ce |de )mois|(?:a )?finales? de(?:l| este)? mes|fin de mes"
    r"|(?:het )?eind(?:e)? van (?:de|deze) maand|einde (?:van de )?maand)"
)
_END_OF_NEXT_MONTH = re.compile(
    r"(?:end of next month|ende (?:des )?nachsten monats|fin du mois prochain|finales? del (?:proximo )?mes que viene"
    r"|finales? del proximo mes|eind(?:e)? (?:van )?volgende maand)"
)
_END_OF_WEEK = re.compile(
    r"(?:end of (?:the |this )?week|ende (?:der|dieser) woche|fin de (?:la |cette )?semaine|finales? de (?:esta |la )?semana|eind(?:e)? van (?:de|deze) week)"
)
#: "21.03." and "21/03" without a year (day first outside the US).
_DAY_MONTH_NO_YEAR = re.compile(r"(?<![\d./,])([0-3]?\d)([./])([01]?\d)(?:\2(?![\d])|(?![\d./,]))")
_DAY_OF_MONTH = re.compile(
    r"(?:\b(?:on|by|before) the (?P<en>[0-3]?\d)(?:st|nd|rd|th)\b|\b(?:am|zum|bis zum|bis) (?P<de>[0-3]?\d)\.(?!\d)"
    r"|\b(?:le|au|avant le|d'ici le) (?P<fr>[0-3]?\d)(?:er)?\b(?! ?(?:jours|%|€|eur|\d))"
    r"|\b(?:el|el dia|antes del|para el) (?P<es>[0-3]?\d)\b(?! ?(?:dias|%|€|de \w+ de|\d))"
    r"|\b(?:op|voor|uiterlijk) de (?P<nl>[0-3]?\d)(?:e|ste|de)\b)"
)


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    names = "|".join(f"(?P<w{n}>{words})" for n, words in _WEEKDAYS.items())
    weekday_next_week = re.compile(
        rf"(?:(?:{names})(?:,)? {_NEXT_WEEK}|{_NEXT_WEEK} (?:on )?(?:{names.replace('(?P<w', '(?P<v')}))"
    )
    weekday = re.compile(
        rf"(?<![\w])(?:(?:next|this|coming|on|by|nachsten|nachster|kommenden|diesen|am|bis|prochain|ce|d'ici|"
        rf"el proximo|este|el|volgende|komende|deze|op|aanstaande) )?(?:{names.replace('(?P<w', '(?P<u')})"
        rf"(?: prochain| que viene)?(?![\w])"
    )
    in_weeks = re.compile(
        r"(?:in|within|innerhalb von|binnen|dans|sous|en|dentro de|over) (?P<n>\d|one|two|three|four|a|ein|eine|einer"
        r"|zwei|drei|vier|un|une|deux|trois|quatre|una|dos|tres|cuatro|een|twee|drie) (?:weeks?|wochen?|semaines?|semanas?|weken|week)"
    )
    return weekday_next_week, weekday, in_weeks


def resolve_dates(text: str, sent: date, *, language: str, month_first: bool = False) -> list[ResolvedDate]:
    """Every day ``text`` names, resolved against ``sent``, in reading order (one per span)."""
    folded = fold(text) if len(fold(text)) == len(text) else text.lower()
    found: list[ResolvedDate] = []
    taken: list[tuple[int, int]] = []

    def add(day: date | None, span: tuple[int, int]) -> None:
        if day is None or any(span[0] < end and start < span[1] for start, end in taken):
            return
        taken.append(span)
        found.append(ResolvedDate(day, span))

    weekday_next_week, weekday, in_weeks = _patterns()
    for m in _END_OF_NEXT_MONTH.finditer(folded):
        add(_month_end(_add_months(sent, 1)), m.span())
    for m in _END_OF_MONTH.finditer(folded):
        add(_month_end(sent), m.span())
    for m in _END_OF_WEEK.finditer(folded):
        add(sent + timedelta(days=(4 - sent.weekday()) % 7), m.span())
    for m in weekday_next_week.finditer(folded):
        number = _group_number(m)
        monday_next = sent + timedelta(days=7 - sent.weekday())
        add(monday_next + timedelta(days=number), m.span())
    for m in in_weeks.finditer(folded):
        count = m.group("n")
        weeks = int(count) if count.isdigit() else _NUMBER_WORDS.get(count, 0)
        add(sent + timedelta(days=7 * weeks) if weeks else None, m.span())
    for mention in find_dates(text, month_first=month_first, language=language):
        if mention.relative:
            if mention.offset_days is not None:
                add(sent + timedelta(days=mention.offset_days), mention.span)
        elif mention.dates:
            add(mention.dates[0], mention.span)
        elif mention.month_day is not None:
            add(_next_month_day(sent, *mention.month_day), mention.span)
    # A relative word of another language (the detector can be unsure on a short reply: "De betaling
    # volgt morgen."), forward only: "hier" is yesterday in French but "here" in Dutch and German.
    for other in ("en", "de", "fr", "es", "nl"):
        for mention in find_dates(text, month_first=month_first, language=other):
            if mention.relative and mention.offset_days is not None and mention.offset_days > 0:
                add(sent + timedelta(days=mention.offset_days), mention.span)
    for m in weekday.finditer(folded):
        number = _group_number(m)
        add(sent + timedelta(days=(number - sent.weekday() - 1) % 7 + 1), m.span())
    for m in _DAY_MONTH_NO_YEAR.finditer(text):
        first, second = int(m.group(1)), int(m.group(3))
        day, month = (second, first) if month_first else (first, second)
        add(_next_month_day(sent, month, day) if 1 <= month <= 12 else None, m.span())
    for m in _DAY_OF_MONTH.finditer(folded):
        day = next(int(v) for v in m.groups() if v is not None)
        add(_next_day_of_month(sent, day), m.span())
    return sorted(found, key=lambda r: r.span)


def _group_number(m: re.Match[str]) -> int:
    return next(
        int(name[1:]) for name, value in m.groupdict().items() if value is not None and name[1:].isdigit()
    )


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _next_month_day(sent: date, month: int, day: int) -> date | None:
    """``month``/``day`` in the message's year, or the next year's when that is long past (a date a
    few weeks back stays this year's: "paid on 3 March")."""
    for year in (sent.year, sent.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= sent - timedelta(days=_PAST_WINDOW_DAYS):
            return candidate
    return None


def _next_day_of_month(sent: date, day: int) -> date | None:
    if not 1 <= day <= 31:
        return None
    for months in (0, 1, 2):
        base = _add_months(sent.replace(day=1), months)
        if day <= calendar.monthrange(base.year, base.month)[1]:
            candidate = base.replace(day=day)
            if candidate >= sent:
                return candidate
    return None
