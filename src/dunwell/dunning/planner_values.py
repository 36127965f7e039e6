"""What the planner returns: one planned message per customer and currency, the skips, and the
reasons for each (ADR 0029). Feed the messages back with ``as_history`` (or the outbox rows built
from them) and planning the same day again plans nothing new."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dunwell.core.collections import Channel
from dunwell.dunning.payment_plans import PlanProposal
from dunwell.dunning.planner_inputs import PastLine, PastMessage
from dunwell.dunning.policy import Tone
from dunwell.dunning.reasons import Reason
from dunwell.dunning.send_time import SendTimeArm


def message_key(customer_id: int, currency: str, step_id: str, period: date) -> str:
    """The natural key of a message, for the outbox: customer, currency, step and the plan's day."""
    return f"{customer_id}:{currency}:{step_id}:{period.isoformat()}"


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """An item listed in a message; ``step_id`` is the step the item itself has reached (``None`` for
    a credit memo), ``newly_reached`` whether that step is news for this item."""

    item_id: int
    reference: str
    due_date: date
    open_minor: int
    step_id: str | None
    newly_reached: bool


@dataclass(frozen=True, slots=True)
class SkippedItem:
    item_id: int
    reference: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One consolidated reminder to one customer in one currency."""

    key: str
    customer_id: int
    currency: str
    policy: str
    step_id: str  # the highest step newly reached by an item: it sets the tone and channels
    tone: Tone
    channels: tuple[Channel, ...]  # the step's channels the customer can be reached on
    lines: tuple[PlannedLine, ...]
    total_minor: int  # net of credits listed
    claim_interest: bool
    claim_compensation: bool
    approval: tuple[Reason, ...]  # empty: no person needs to approve it
    payment_plan: PlanProposal | None
    send_at_local_hour: int
    holdout: bool
    reasons: tuple[Reason, ...]
    send_time_arm: SendTimeArm = SendTimeArm.TOO_FEW_EVENTS  # its side of the send-time experiment
    left_out: tuple[SkippedItem, ...] = ()  # items of this customer and currency not listed, and why

    @property
    def needs_approval(self) -> bool:
        return bool(self.approval)


@dataclass(frozen=True, slots=True)
class Skip:
    """A customer and currency with something newly due that gets no message today, and why."""

    customer_id: int
    currency: str
    policy: str
    step_id: str  # the step the message would have been at
    reasons: tuple[Reason, ...]
    items: tuple[SkippedItem, ...]  # the items newly due, each with its own reasons where it has any


@dataclass(frozen=True, slots=True)
class Plan:
    as_of: date
    messages: tuple[PlannedMessage, ...]
    skips: tuple[Skip, ...]


def as_history(messages: Iterable[PlannedMessage], *, day: date) -> tuple[PastMessage, ...]:
    """Planned messages as the planner's history (what the outbox rows hold)."""
    return tuple(
        PastMessage(
            key=m.key,
            customer_id=m.customer_id,
            currency=m.currency,
            step_id=m.step_id,
            day=day,
            lines=tuple(PastLine(line.item_id, line.step_id) for line in m.lines if line.step_id is not None),
        )
        for m in messages
    )
