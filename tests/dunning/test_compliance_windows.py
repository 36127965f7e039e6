"""The send window across conflicting time zones (RULES.md RF-TIME-1/2), with the official
commentary's examples (comment 6(b)(1)(i)-2.i and .ii) as tests, and daylight-saving days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.dunning.test_compliance_rules import DENVER, LOS_ANGELES, NEW_YORK, case, debtor, utc

from dunwell.dunning.compliance import Channel, decide
from dunwell.dunning.compliance.windows import at_local, next_window_opening, start_of_day


def _allowed_et_hours(*zones: ZoneInfo) -> tuple[time, time]:
    """The first and last allowed minute of Mon Apr 6 2026, as New York clock times."""
    person = debtor(time_zones=zones)
    day = datetime(2026, 4, 6, tzinfo=NEW_YORK)
    minutes = [day + timedelta(minutes=m) for m in range(24 * 60)]
    allowed = [m for m in minutes if decide(case(person=person).at(m.astimezone(UTC))).allowed]
    return allowed[0].time(), allowed[-1].time()


@pytest.mark.parametrize(
    ("zones", "first", "last"),
    [
        ((NEW_YORK,), time(8), time(20, 59)),
        ((NEW_YORK, LOS_ANGELES), time(11), time(20, 59)),  # after 11 a.m. and before 9 p.m. ET
        ((NEW_YORK, DENVER), time(10), time(20, 59)),  # after 10 a.m. and before 9 p.m. ET
        ((LOS_ANGELES, NEW_YORK), time(11), time(20, 59)),  # the order of the zones does not matter
    ],
)
def test_the_window_is_the_intersection_of_the_zones_windows(
    zones: tuple[ZoneInfo, ...], first: time, last: time
) -> None:
    assert _allowed_et_hours(*zones) == (first, last)


def test_eastern_and_pacific_before_eleven_is_rf_time_2_and_opens_at_eleven_et() -> None:
    person = debtor(time_zones=(NEW_YORK, LOS_ANGELES))
    decision = decide(case("2026-04-06T13:30", person=person))  # 09:30 ET, 06:30 PT
    assert [b.rule for b in decision.blocked_by] == ["RF-TIME-2"]
    assert "06:30 in America/Los_Angeles" in decision.blocked_by[0].reason
    assert decision.next_allowed_at == utc("2026-04-06T15:00")  # 11:00 ET
    night = decide(case("2026-04-06T09:00", person=person))  # 05:00 ET, 02:00 PT: outside everywhere
    assert [b.rule for b in night.blocked_by] == ["RF-TIME-1"]
    late = decide(case("2026-04-07T01:00", person=person))  # 21:00 ET
    assert late.next_allowed_at == utc("2026-04-07T15:00")  # 11:00 ET the next day


def test_the_window_follows_daylight_saving_time() -> None:
    """Sun Mar 8 2026 clocks go forward in New York: 08:00 is 12:00 UTC that day, 13:00 the day before."""
    before = decide(case("2026-03-07T12:30", Channel.EMAIL))
    assert before.next_allowed_at == utc("2026-03-07T13:00")
    after = decide(case("2026-03-08T11:30", Channel.EMAIL))
    assert after.next_allowed_at == utc("2026-03-08T12:00")


def test_local_helpers_handle_a_gap_and_midnight() -> None:
    # 02:30 does not exist in New York on Mar 8 2026: read with the offset before the jump, it is
    # 03:30 EDT, after the gap, so "from 02:30 on" never starts early.
    assert at_local(datetime(2026, 3, 8).date(), time(2, 30), NEW_YORK) == utc("2026-03-08T07:30")
    assert start_of_day(datetime(2026, 4, 6).date(), NEW_YORK) == utc("2026-04-06T04:00")
    nine_pm = utc("2026-04-07T01:00")
    assert next_window_opening(nine_pm, NEW_YORK, start=time(8), end=time(21)) == utc("2026-04-07T12:00")
    noon = utc("2026-04-06T16:00")
    assert next_window_opening(noon, NEW_YORK, start=time(8), end=time(21)) == noon
