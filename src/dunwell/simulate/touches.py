"""The company's routine dunning in its history: the reminders that ``touches.csv`` lists.

The delays the presets are calibrated to are what real books show, and real books are dunned.
So the history's payments already include the effect of this routine (a friendly e-mail 5 days
after the due date, a firm one at 20 days, a call at 40), and these touches record it; the
strategy lab measures collection work *on top of* it. Touches go to customers, consolidated: one
per customer per day, naming every item that reached a step that day.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from dunwell.core.collections import Channel, TouchDirection
from dunwell.simulate.actions import Tone
from dunwell.simulate.records import Company

#: (days after the due date, channel, tone) of the routine's steps.
ROUTINE = ((5, Channel.EMAIL, Tone.FRIENDLY), (20, Channel.EMAIL, Tone.FIRM), (40, Channel.CALL, Tone.FIRM))


@dataclass(frozen=True, slots=True)
class SimTouch:
    touch_id: str
    customer_id: str
    day: date
    channel: Channel
    tone: Tone
    direction: TouchDirection
    outcome: str
    invoice_ids: tuple[str, ...]


def routine_touches(company: Company) -> list[SimTouch]:
    """Every routine touch of the simulated period, in date order."""
    rng = random.Random(company.seed * 7919 + 1)  # its own stream: adding touches changes no payment
    steps: dict[tuple[str, date], list[tuple[int, str]]] = defaultdict(list)
    for invoice in company.invoices:
        settled = invoice.paid_date
        for index, (days, _, _) in enumerate(ROUTINE):
            day = invoice.due_date + timedelta(days=days)
            while day.weekday() >= 5:  # collectors work on weekdays
                day += timedelta(days=1)
            if day > company.end or (settled is not None and settled <= day):
                break
            steps[(invoice.customer.customer_id, day)].append((index, invoice.invoice_id))
    touches = []
    for number, ((customer_id, day), reached) in enumerate(
        sorted(steps.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    ):
        _, channel, tone = ROUTINE[max(index for index, _ in reached)]
        outcome = "sent"
        if channel is Channel.CALL:
            outcome = rng.choices(("reached", "promise_to_pay", "no_answer"), (0.35, 0.25, 0.4))[0]
        touches.append(
            SimTouch(
                touch_id=f"T{number + 1:08d}",
                customer_id=customer_id,
                day=day,
                channel=channel,
                tone=tone,
                direction=TouchDirection.OUTBOUND,
                outcome=outcome,
                invoice_ids=tuple(sorted(i for _, i in reached)),
            )
        )
    return touches
