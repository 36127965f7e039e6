"""When in the customer's day a message goes out (ADR 0029).

The hour at which the customer most often opened a message or paid, among its past events, within
the policy's earliest and latest hours (ties: the earliest); the default hour when there are too
few events. A deterministic share of customers (the holdout) always gets the default hour, so the
gain of choosing can be measured by comparing the two groups. Quiet hours and contact caps are the
compliance guard's, at send time.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dunwell.dunning.policy import SendTimeRule
from dunwell.dunning.reasons import Reason, ReasonCode

#: Salt of the send-time holdout draw, distinct from the worklist's so the two holdouts are independent.
HOLDOUT_SALT = "dunning-send-time"


def in_holdout(customer_id: int, share: float, *, salt: str = HOLDOUT_SALT) -> bool:
    """Whether the customer is in the holdout: the same draw as ``ml.action_value.in_holdout`` (a
    sha256 of salt and id read as a number in [0, 1)), which this engine may not import."""
    if share <= 0:
        return False
    digest = hashlib.sha256(f"{salt}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


class SendTimeArm(StrEnum):
    """Which side of the send-time experiment a message is on. Only customers with enough events
    for a choice are in it: ``chosen`` got their own hour, ``holdout`` would have and got the default
    hour; ``too_few_events`` are out of the comparison (their hour is the default either way)."""

    CHOSEN = "chosen"
    HOLDOUT = "holdout"
    TOO_FEW_EVENTS = "too_few_events"


@dataclass(frozen=True, slots=True)
class SendTime:
    local_hour: int
    holdout: bool
    reason: Reason
    arm: SendTimeArm = SendTimeArm.TOO_FEW_EVENTS
    #: The hour the customer's events point to (none: too few), for the holdout too.
    would_choose: int | None = None


def choose_send_time(customer_id: int, engagement_hours: Iterable[int], rule: SendTimeRule) -> SendTime:
    """The local hour to send at, whether the customer is in the holdout, and why."""
    counts = Counter(h for h in engagement_hours if rule.earliest_hour <= h <= rule.latest_hour)
    events = sum(counts.values())
    hour, hits = min(counts.items(), key=lambda entry: (-entry[1], entry[0])) if counts else (None, 0)
    eligible = events >= rule.min_events and hour is not None
    if in_holdout(customer_id, rule.holdout_share):
        would = f" (its events point to {hour:02d}:00)" if eligible else ""
        return SendTime(
            rule.default_hour,
            True,
            Reason(
                ReasonCode.HOLDOUT,
                f"in the {rule.holdout_share:.0%} send-time holdout: sent at the default hour "
                f"{rule.default_hour:02d}:00 to measure the gain{would}",
            ),
            SendTimeArm.HOLDOUT if eligible else SendTimeArm.TOO_FEW_EVENTS,
            hour if eligible else None,
        )
    if not eligible or hour is None:
        return SendTime(
            rule.default_hour,
            False,
            Reason(
                ReasonCode.SEND_TIME,
                f"{events} past opens or payments in sending hours (fewer than {rule.min_events}): "
                f"the default hour {rule.default_hour:02d}:00",
            ),
        )
    return SendTime(
        hour,
        False,
        Reason(
            ReasonCode.SEND_TIME, f"{hits} of {events} past opens or payments at {hour:02d}:00 local time"
        ),
        SendTimeArm.CHOSEN,
        hour,
    )
