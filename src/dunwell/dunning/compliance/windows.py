"""Local clock time in the person's zones: the send window, stored inconvenient times and calendar
days. Every function takes and returns UTC instants; local times are only compared, never stored.

A forward search needs, for each constraint, the earliest later instant at which it could hold; the
``next_*`` functions give exactly that, so that the guard's search finds the earliest allowed time
rather than merely some allowed time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dunwell.dunning.compliance.case import InconvenientTime


def local_day(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def local_clock(at: datetime, zone: ZoneInfo) -> time:
    return at.astimezone(zone).time().replace(tzinfo=None)


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of ``clock`` on ``day`` in ``zone``. A wall time that does not exist (in a
    daylight-saving gap) is read with the offset before the gap (PEP 495, fold 0), which lands
    after the gap: a window or a day never starts early."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return at_local(day, time(0), zone)


def in_window(at: datetime, zone: ZoneInfo, *, start: time, end: time) -> bool:
    """Inside [start, end) of local time in ``zone``: ``end`` itself is outside."""
    return start <= local_clock(at, zone) < end


def next_window_opening(at: datetime, zone: ZoneInfo, *, start: time, end: time) -> datetime:
    """The earliest instant at or after ``at`` inside [start, end) in ``zone``."""
    if in_window(at, zone, start=start, end=end):
        return at
    day = local_day(at, zone)
    if local_clock(at, zone) >= end:
        day += timedelta(days=1)
    return at_local(day, start, zone)


def covering_stretch(
    at: datetime, zones: tuple[ZoneInfo, ...], stretches: tuple[InconvenientTime, ...]
) -> list[tuple[ZoneInfo, InconvenientTime]]:
    """Every (zone, stretch) whose local time at ``at`` falls inside the stretch."""
    return [(z, s) for z in zones for s in stretches if s.covers(local_clock(at, z))]


def end_of_stretch(at: datetime, zone: ZoneInfo, stretch: InconvenientTime) -> datetime:
    """When ``stretch``, covering ``at`` in ``zone``, next ends (the first instant it no longer
    covers)."""
    day = local_day(at, zone)
    wraps = not stretch.start < stretch.end
    if wraps and local_clock(at, zone) >= stretch.start:
        day += timedelta(days=1)  # the stretch began this evening and ends tomorrow morning
    return at_local(day, stretch.end, zone)


def describe_local(at: datetime, zone: ZoneInfo) -> str:
    """``"2026-04-08 08:00 America/New_York"``, for reasons."""
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"
