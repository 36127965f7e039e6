"""Caps over "any 7 consecutive days" (RF-CALL-1 (A), B2B-CAP-1), counted in whole local calendar
days: a contact on day D falls in the seven windows that start on D − 6 … D, and one more contact
on D is within the cap only if every one of them stays at or under it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

WEEK = 7


@dataclass(frozen=True, slots=True)
class FullWeek:
    """Seven consecutive days, from ``first_day``, already holding ``count`` contacts (≥ the cap)."""

    first_day: date
    count: int

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=WEEK - 1)

    def describe(self) -> str:
        return f"{self.first_day:%a %Y-%m-%d} – {self.last_day:%a %Y-%m-%d}"


def full_week(day: date, counts: Counter[date], cap: int) -> FullWeek | None:
    """The earliest 7-day window containing ``day`` that one more contact on ``day`` would take
    over ``cap``; ``None`` when there is room in all of them."""
    for offset in range(WEEK - 1, -1, -1):
        first = day - timedelta(days=offset)
        held = sum(counts[first + timedelta(days=k)] for k in range(WEEK))
        if held + 1 > cap:
            return FullWeek(first_day=first, count=held)
    return None


def first_day_with_room(day: date, counts: Counter[date], cap: int) -> date:
    """The earliest day on or after ``day`` on which one more contact stays within ``cap`` in every
    7-day window. It always exists: a week after the last counted day every window is empty."""
    last_counted = max(counts, default=day)
    candidate = day
    while candidate <= last_counted + timedelta(days=WEEK):
        if full_week(candidate, counts, cap) is None:
            return candidate
        candidate += timedelta(days=1)
    return candidate
