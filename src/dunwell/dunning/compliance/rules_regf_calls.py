"""Call frequency under Regulation F §1006.14(b) (RULES.md RF-CALL-1 … RF-CALL-4).

- RF-CALL-2, what counts: every placed call except one not connected to the number; an attempt
  that rang unanswered counts; texts, emails and letters never do (``PastContact.is_placed_call``).
- RF-CALL-3, per particular debt: calls are counted per ``debt_id``; a call that named no debt, or
  an action that names none, counts against every debt (``PastContact.concerns``).
- RF-CALL-1: (A) at most 7 calls in any 7 consecutive days; (B) no call on days 1–7 after a
  telephone conversation, its date being day 1 (later that same day included: comment
  14(b)(2)(ii)-1.ii puts the first allowed call on day 8). Days are the person's local calendar
  days in their first zone.
- RF-CALL-4: patterns below the caps are flags for a person, not blocks.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from dunwell.dunning.compliance.case import Case, Channel, ContactKind
from dunwell.dunning.compliance.decision import Block, Blocked, Flag, Policy
from dunwell.dunning.compliance.seven_days import WEEK, first_day_with_room, full_week
from dunwell.dunning.compliance.windows import local_day, start_of_day


def call_frequency(case: Case, policy: Policy) -> Blocked | None:
    """RF-CALL-1 (A) and (B) for a proposed call; one block naming whichever (or both) apply."""
    action = case.action
    if action.channel is not Channel.CALL:
        return None
    zone = case.debtor.home_zone
    day = local_day(action.at, zone)
    debt = f"debt {action.debt_id}" if action.debt_id else "any of the person's debts (none named)"
    reasons: list[str] = []
    retry_at = action.at

    calls = Counter(
        local_day(c.at, zone) for c in case.history if c.is_placed_call and c.concerns(action.debt_id)
    )
    week = full_week(day, calls, policy.calls_per_seven_days)
    if week is not None:
        free = first_day_with_room(day, calls, policy.calls_per_seven_days)
        reasons.append(
            f"it would be call {week.count + 1} on {debt} within 7 consecutive days "
            f"({week.describe()} holds {week.count}; at most {policy.calls_per_seven_days}); "
            f"the next day with room is {free:%a %Y-%m-%d}"
        )
        retry_at = max(retry_at, start_of_day(free, zone))

    talks = [
        local_day(c.at, zone)
        for c in case.history
        if c.is_conversation and c.concerns(action.debt_id) and c.at <= action.at
    ]
    last_talk = max((d for d in talks if day - d < timedelta(days=WEEK)), default=None)
    if last_talk is not None:
        day_eight = last_talk + timedelta(days=WEEK)
        reasons.append(
            f"a telephone conversation about {debt} on {last_talk:%a %Y-%m-%d} (day 1) bars calls "
            f"until day 8, {day_eight:%a %Y-%m-%d}"
        )
        retry_at = max(retry_at, start_of_day(day_eight, zone))

    if not reasons:
        return None
    return Blocked(Block("RF-CALL-1", "; ".join(reasons)), retry_at=retry_at)


def call_pattern_flags(case: Case, policy: Policy) -> tuple[Flag, ...]:
    """RF-CALL-4: rapid redialling (a call within ``policy.rapid_redial`` after an unanswered one)
    and concentration (``policy.concentrated_calls_per_day`` calls to the person on one local day,
    over all their debts). These can rebut the presumption of compliance, but the commentary gives
    them as examples, not limits, so a person decides: the guard flags and does not block."""
    action = case.action
    if action.channel is not Channel.CALL:
        return ()
    flags: list[Flag] = []
    unanswered = [
        c
        for c in case.history
        if c.channel is Channel.CALL
        and c.kind is ContactKind.ATTEMPT
        and timedelta(0) <= action.at - c.at <= policy.rapid_redial
    ]
    if unanswered:
        minutes = (action.at - max(c.at for c in unanswered)).total_seconds() / 60
        flags.append(
            Flag("RF-CALL-4", f"rapid redial: an unanswered call {minutes:.0f} minute(s) before this one")
        )
    zone = case.debtor.home_zone
    day = local_day(action.at, zone)
    that_day = 1 + sum(1 for c in case.history if c.is_placed_call and local_day(c.at, zone) == day)
    if that_day >= policy.concentrated_calls_per_day:
        flags.append(
            Flag(
                "RF-CALL-4",
                f"concentrated calls: this would be call {that_day} to the person on {day:%a %Y-%m-%d}",
            )
        )
    return tuple(flags)
