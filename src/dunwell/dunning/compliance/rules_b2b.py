"""The commercial (B2B) pack's own rules. Regulation F does not apply to business debt (RULES.md
§B0), but the guard keeps B2B contact within house defaults that mirror it (ADR 0026):

- B2B-CEASE-1: the customer asked that contact stop (for a named contact, also the GDPR Art. 21
  objection) — nothing more is sent;
- B2B-ATTY-1: the customer has a lawyer for this debt — talk to the lawyer;
- B2B-OPTOUT-1: a channel the contact opted out of is not used (GDPR-7 reuses the RF-MEDIA-1
  engine for every contact), except for the one confirmation of an e-mail or SMS opt-out;
- B2B-TIME-1: the [08:00, 21:00) window in every zone of the contact (TCPA-7 as the default for all
  ledgers); B2B-TIME-2: the times the contact said are inconvenient;
- B2B-CAP-1: at most ``policy.b2b_messages_per_seven_days`` messages to the customer in any 7
  consecutive days, over all channels and debts (a call that never connected is not a message).
"""

from __future__ import annotations

from collections import Counter

from dunwell.dunning.compliance.case import Case, ContactKind
from dunwell.dunning.compliance.decision import Block, Blocked, Policy
from dunwell.dunning.compliance.rules_time import inside_inconvenient_time, outside_window
from dunwell.dunning.compliance.seven_days import first_day_with_room, full_week
from dunwell.dunning.compliance.windows import local_day, start_of_day


def cease_requested(case: Case, policy: Policy) -> Blocked | None:
    if not case.debtor.cease_requested:
        return None
    return Blocked(Block("B2B-CEASE-1", "the customer asked that collection contact stop"))


def represented_by_attorney(case: Case, policy: Policy) -> Blocked | None:
    if not case.debtor.represented_by_attorney:
        return None
    return Blocked(Block("B2B-ATTY-1", "the customer has a lawyer for this debt: contact the lawyer"))


def channel_opted_out(case: Case, policy: Policy) -> Blocked | None:
    channel = case.action.channel
    opted_out = case.debtor.opted_out_channels
    if channel not in opted_out or case.action.confirmed_opt_out(opted_out):
        return None
    return Blocked(Block("B2B-OPTOUT-1", f"the contact opted out of {channel.value}"))


def outside_local_window(case: Case, policy: Policy) -> Blocked | None:
    return outside_window(case, policy, everywhere_rule="B2B-TIME-1", conflict_rule="B2B-TIME-1")


def inconvenient_time(case: Case, policy: Policy) -> Blocked | None:
    return inside_inconvenient_time(case, "B2B-TIME-2")


def weekly_cap(case: Case, policy: Policy) -> Blocked | None:
    """B2B-CAP-1, counted in the contact's local calendar days like RF-CALL-1 (A)."""
    zone = case.debtor.home_zone
    cap = policy.b2b_messages_per_seven_days
    day = local_day(case.action.at, zone)
    messages = Counter(local_day(c.at, zone) for c in case.history if c.kind is not ContactKind.NOT_CONNECTED)
    week = full_week(day, messages, cap)
    if week is None:
        return None
    free = first_day_with_room(day, messages, cap)
    reason = (
        f"it would be message {week.count + 1} to the customer within 7 consecutive days "
        f"({week.describe()} holds {week.count}; at most {cap}); the next day with room is {free:%a %Y-%m-%d}"
    )
    return Blocked(Block("B2B-CAP-1", reason), retry_at=start_of_day(free, zone))
