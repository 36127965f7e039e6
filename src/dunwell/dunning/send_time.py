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


@dataclass(frozen=True, slots=True)
class SendTime:
    local_hour: int
    holdout: bool
    reason: Reason


def choose_send_time(customer_id: int, engagement_hours: Iterable[int], rule: SendTimeRule) -> SendTime:
    """The local hour to send at, whether the customer is in the holdout, and why."""
    if in_holdout(customer_id, rule.holdout_share):
        return SendTime(
            rule.default_hour,
            True,
            Reason(
                ReasonCode.HOLDOUT,
                f"in the {rule.holdout_share:.0%} send-time holdout: sent at the default hour "
                f"{rule.default_hour:02d}:00 to measure the gain",
            ),
        )
    counts = Counter(h for h in engagement_hours if rule.earliest_hour <= h <= rule.latest_hour)
    events = sum(counts.values())
    if events < rule.min_events:
        return SendTime(
            rule.default_hour,
            False,
            Reason(
                ReasonCode.SEND_TIME,
                f"{events} past opens or payments in sending hours (fewer than {rule.min_events}): "
                f"the default hour {rule.default_hour:02d}:00",
            ),
        )
    hour, hits = min(counts.items(), key=lambda entry: (-entry[1], entry[0]))
    return SendTime(
        hour,
        False,
        Reason(
            ReasonCode.SEND_TIME, f"{hits} of {events} past opens or payments at {hour:02d}:00 local time"
        ),
    )
