"""Collection actions and how simulated customers respond to them.

An action (a reminder e-mail, a letter, a call) goes to a customer, not an invoice. It can move
the day the customer pays its overdue and nearly due items, and only then: an invoice paid on
time anyway is not affected. Responses depend on the customer's type, the channel, the tone and
the timing (ADR 0007):

- the customer **responds** with a probability from ``RESPONSE`` (by type and channel), scaled
  down before the due date (a pre-due nudge) and up (late payers) or down (prompt payers) by a
  firm tone; a response means paying within a few days, never later than it would have anyway;
- a **call** may end with a **promise to pay** on a date; promises are kept with ``PROMISE_KEPT``;
- a few customers pay **later** when annoyed: a firm tone to a prompt payer, or a fourth touch
  inside two weeks;
- a customer past its default month pays only if a call reaches it (``RECOVERY``);
- a disputed invoice waits for its dispute, whatever is sent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dunwell.core.collections import Channel
from dunwell.simulate.behaviour import CustomerType


class Tone(StrEnum):
    FRIENDLY = "friendly"
    FIRM = "firm"


#: Minutes of collector time an action takes (what the strategy lab's capacity is spent on).
COST_MINUTES = {Channel.SMS: 1, Channel.EMAIL: 2, Channel.LETTER: 5, Channel.CALL: 12}

#: P(pays within days of the action | overdue), by type: e-mail, letter, call.
RESPONSE: dict[CustomerType, tuple[float, float, float]] = {
    CustomerType.EARLY: (0.35, 0.45, 0.6),
    CustomerType.ON_TIME: (0.4, 0.5, 0.65),
    CustomerType.STEADY_LATE: (0.25, 0.35, 0.5),
    CustomerType.CHRONIC_LATE: (0.12, 0.25, 0.4),
    CustomerType.SEASONAL: (0.2, 0.3, 0.45),
    CustomerType.DETERIORATING: (0.08, 0.15, 0.3),
    CustomerType.DISPUTE_PRONE: (0.1, 0.2, 0.35),
}
PROMISE_ON_CALL = 0.35
PROMISE_KEPT: dict[CustomerType, float] = {
    CustomerType.EARLY: 0.95,
    CustomerType.ON_TIME: 0.9,
    CustomerType.STEADY_LATE: 0.7,
    CustomerType.CHRONIC_LATE: 0.45,
    CustomerType.SEASONAL: 0.7,
    CustomerType.DETERIORATING: 0.25,
    CustomerType.DISPUTE_PRONE: 0.6,
}
RECOVERY = 0.08  # P(a call gets a defaulted customer to pay an item)
ANNOYED = 0.15  # P(paying later when annoyed)
_PROMPT = frozenset({CustomerType.EARLY, CustomerType.ON_TIME})
#: Where each channel's chance is in ``RESPONSE``; a text message moves customers as an e-mail does.
_CHANNEL_INDEX = {Channel.SMS: 0, Channel.EMAIL: 0, Channel.LETTER: 1, Channel.CALL: 2}


@dataclass(frozen=True, slots=True)
class Action:
    customer_id: str
    channel: Channel
    tone: Tone = Tone.FRIENDLY


@dataclass(frozen=True, slots=True)
class Response:
    """What one item's payment day becomes after an action, and why."""

    pay_on: date | None  # None: still not paid
    outcome: str  # responded, promised, promise_broken, ignored, annoyed, recovered, disputed


def respond(
    rng: random.Random,
    customer_type: CustomerType,
    action: Action,
    *,
    today: date,
    due: date,
    planned: date | None,
    disputed: bool,
    recent_touches: int,
) -> Response:
    """The new payment day of one open item of the customer after ``action`` on ``today``.

    ``planned`` is the day it would be paid otherwise (None: never).
    """
    if disputed:
        return Response(planned, "disputed")
    if planned is None:
        if action.channel is Channel.CALL and rng.random() < RECOVERY:
            return Response(today + timedelta(days=rng.randint(3, 15)), "recovered")
        return Response(None, "ignored")
    annoyed = (action.tone is Tone.FIRM and customer_type in _PROMPT) or recent_touches >= 3
    if annoyed and rng.random() < ANNOYED:
        return Response(planned + timedelta(days=rng.randint(3, 10)), "annoyed")
    if action.channel is Channel.CALL and rng.random() < PROMISE_ON_CALL:
        promised = today + timedelta(days=rng.randint(2, 10))
        if rng.random() < PROMISE_KEPT[customer_type]:
            return Response(min(promised, planned), "promised")
        return Response(planned, "promise_broken")
    chance = RESPONSE[customer_type][_CHANNEL_INDEX[action.channel]]
    if today < due:
        chance *= 0.5  # a nudge before the due date moves fewer customers
    if action.tone is Tone.FIRM:
        chance *= 0.8 if customer_type in _PROMPT else 1.2
    if rng.random() < min(chance, 0.95):
        return Response(min(planned, today + timedelta(days=rng.randint(1, 5))), "responded")
    return Response(planned, "ignored")
