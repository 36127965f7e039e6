"""What choosing the customer's own send hour gains (ADR 0029): the reminders sent at the chosen hour
against those of the holdout that would have had one, by the share whose items received cash
within a number of days of sending, with a 95 % interval on the difference.

Only customers with enough events are compared (``SendTimeArm``): the holdout is drawn before the
events are counted, so comparing it with every other reminder would mix in customers who got the
default hour either way. The outcome is any cash applied to the listed items within ``days`` after
the day the reminder was sent (the day itself excluded: cash booked that morning was on its way).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from dunwell.dunning.send_time import SendTimeArm

#: Fewer reminders than this on either side and the difference is not reported as a finding.
MIN_PER_ARM = 30
_Z95 = 1.959964


@dataclass(frozen=True, slots=True)
class SentOutcome:
    arm: SendTimeArm
    listed_minor: int  # what the reminder listed as open (its own currency)
    paid_minor: int  # cash applied to the listed items within the window


@dataclass(frozen=True, slots=True)
class ArmFigures:
    reminders: int
    paid: int  # reminders whose items received any cash in the window
    paid_share: float | None
    #: Mean over reminders of paid / listed, capped at 1 (a ratio: currencies never mix).
    cash_share: Decimal | None

    def to_dict(self) -> dict[str, object]:
        return {
            "reminders": self.reminders,
            "paid": self.paid,
            "paid_share": None if self.paid_share is None else round(self.paid_share, 4),
            "cash_share": None if self.cash_share is None else str(self.cash_share),
        }


@dataclass(frozen=True, slots=True)
class SendTimeGain:
    days: int
    chosen: ArmFigures
    holdout: ArmFigures
    too_few_events: int  # reminders outside the comparison
    difference: float | None  # chosen − holdout paid share
    ci95: tuple[float, float] | None
    enough: bool
    note: str

    def to_dict(self) -> dict[str, object]:
        return {
            "days": self.days,
            "chosen": self.chosen.to_dict(),
            "holdout": self.holdout.to_dict(),
            "too_few_events": self.too_few_events,
            "difference": None if self.difference is None else round(self.difference, 4),
            "ci95": None if self.ci95 is None else [round(self.ci95[0], 4), round(self.ci95[1], 4)],
            "enough": self.enough,
            "note": self.note,
        }


def send_time_gain(
    outcomes: Iterable[SentOutcome], *, days: int, min_per_arm: int = MIN_PER_ARM
) -> SendTimeGain:
    by_arm: dict[SendTimeArm, list[SentOutcome]] = {arm: [] for arm in SendTimeArm}
    for outcome in outcomes:
        by_arm[outcome.arm].append(outcome)
    chosen, holdout = _figures(by_arm[SendTimeArm.CHOSEN]), _figures(by_arm[SendTimeArm.HOLDOUT])
    difference = ci = None
    if chosen.paid_share is not None and holdout.paid_share is not None:
        difference = chosen.paid_share - holdout.paid_share
        p1, n1, p2, n2 = chosen.paid_share, chosen.reminders, holdout.paid_share, holdout.reminders
        spread = _Z95 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        ci = (difference - spread, difference + spread)
    enough = min(chosen.reminders, holdout.reminders) >= min_per_arm
    if not enough:
        note = (
            f"not enough reminders yet: {chosen.reminders} at the chosen hour and {holdout.reminders} in "
            f"the holdout (at least {min_per_arm} each before the difference means anything)"
        )
    elif ci is not None and ci[0] > 0:
        note = f"sending at the customer's own hour gets cash within {days} days more often"
    elif ci is not None and ci[1] < 0:
        note = f"sending at the customer's own hour gets cash within {days} days less often"
    else:
        note = "no difference shown yet: the 95 % interval contains zero"
    return SendTimeGain(
        days, chosen, holdout, len(by_arm[SendTimeArm.TOO_FEW_EVENTS]), difference, ci, enough, note
    )


def _figures(outcomes: list[SentOutcome]) -> ArmFigures:
    if not outcomes:
        return ArmFigures(0, 0, None, None)
    paid = sum(1 for o in outcomes if o.paid_minor > 0)
    shares = [
        min(Decimal(o.paid_minor) / Decimal(o.listed_minor), Decimal(1)) if o.listed_minor > 0 else Decimal(0)
        for o in outcomes
    ]
    mean = (sum(shares, Decimal(0)) / len(shares)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
    return ArmFigures(len(outcomes), paid, paid / len(outcomes), mean)
