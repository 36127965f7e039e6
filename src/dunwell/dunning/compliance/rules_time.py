"""The time-of-day rules both packs share, under each pack's IDs: the send window in every zone the
person may be in (RF-TIME-1/2, TCPA-7 as B2B-TIME-1) and the times they said are inconvenient
(RF-TIME-3, B2B-TIME-2). Letters are mailed, not received at a moment, so neither applies to them."""

from __future__ import annotations

from dunwell.dunning.compliance.case import Case, Channel
from dunwell.dunning.compliance.decision import Block, Blocked, Policy
from dunwell.dunning.compliance.windows import (
    covering_stretch,
    describe_local,
    end_of_stretch,
    in_window,
    local_clock,
    next_window_opening,
)


def outside_window(case: Case, policy: Policy, *, everywhere_rule: str, conflict_rule: str) -> Blocked | None:
    """Blocks an action outside [window_start, window_end) local time in any of the person's zones.

    ``everywhere_rule`` is reported when it is outside in every zone (or the only one);
    ``conflict_rule`` when only some of the conflicting zones rule it out, so that the intersection
    of their windows is what stops it.
    """
    action = case.action
    if action.channel is Channel.LETTER:
        return None
    start, end = policy.window_start, policy.window_end
    zones = case.debtor.time_zones
    outside = [z for z in zones if not in_window(action.at, z, start=start, end=end)]
    if not outside:
        return None
    opens = max(next_window_opening(action.at, z, start=start, end=end) for z in outside)
    where = ", ".join(f"{local_clock(action.at, z):%H:%M} in {z.key}" for z in outside)
    window = f"{start:%H:%M}–{end:%H:%M}"
    if len(outside) == len(zones):
        rule, reason = everywhere_rule, f"it would be {where}, outside the {window} local window"
    else:
        rule = conflict_rule
        reason = (
            f"the person's locations conflict ({', '.join(z.key for z in zones)}), so only the "
            f"intersection of their {window} windows is usable; it would be {where}"
        )
    return Blocked(Block(rule, reason), retry_at=opens)


def inside_inconvenient_time(case: Case, rule: str) -> Blocked | None:
    """Blocks an action inside a stretch the person said is inconvenient, in any of their zones
    (the stretch carries no zone of its own, so each zone's clock is honoured)."""
    action = case.action
    if action.channel is Channel.LETTER:
        return None
    hits = covering_stretch(action.at, case.debtor.time_zones, case.debtor.inconvenient_times)
    if not hits:
        return None
    ends = max(end_of_stretch(action.at, zone, stretch) for zone, stretch in hits)
    said = ", ".join(f"{stretch.describe()} ({describe_local(action.at, zone)})" for zone, stretch in hits)
    return Blocked(Block(rule, f"the person said this time is inconvenient: {said}"), retry_at=ends)
