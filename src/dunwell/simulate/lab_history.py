"""The past a learning policy is given in the strategy lab: items, payments and touches, no truth.

A policy that learns how customers respond to collection work needs a history in which the work
varied. The simulated company's own history does not have one: its routine reminders (``touches``)
are recorded, but the payments were drawn without them, so they carry no effect to learn. So the
lab replays the ``days`` before the window a second time, with the company's collectors working a
randomised policy (``Explorer``: each customer with overdue items a coin flip, a random channel
and tone, within the same capacity), and hands over what a company's records would then show:
every item with its amounts and dates and the day it was paid (if before the window), and every
touch with its day, channel and tone. It shows nothing of the customers' types or of the response
parameters; whatever a policy knows about responses it must learn from these records. A company
running Dunwell gets the same kind of history from its randomised holdout and from collectors
who do not all work alike.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dunwell.core.collections import Channel
from dunwell.simulate.actions import COST_MINUTES, Action, Tone
from dunwell.simulate.lab import CONTACT_GAP_DAYS, LabResult, OverdueCustomer, Replay
from dunwell.simulate.records import Company

#: How often the explorer picks each channel: cheap e-mails most, calls least, so the history has
#: enough of each at the same capacity.
EXPLORE_CHANNELS = ((Channel.EMAIL, 0.5), (Channel.LETTER, 0.25), (Channel.CALL, 0.25))
#: The chance that a customer who could be contacted is: the others are left alone for as long as
#: a contacted one would be (``CONTACT_GAP_DAYS``), and are the comparison every touch is measured
#: against. Left alone for a day only, most would be contacted within the days a reminder's effect
#: takes to show, and the comparison would measure little.
EXPLORE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class PastItem:
    """One invoice or instalment as the books show it on the history's last day."""

    customer_id: str
    invoice_id: str
    currency: str
    amount: Decimal
    issue_date: date
    due_date: date
    disputed: bool
    paid_on: date | None  # None: still open when the history ends


@dataclass(frozen=True, slots=True)
class PastTouch:
    customer_id: str
    day: date
    channel: Channel
    tone: Tone


@dataclass(frozen=True)
class LabHistory:
    """What a company's records show the day before ``as_of``; touches from ``worked_from``."""

    as_of: date
    worked_from: date
    items: tuple[PastItem, ...]
    touches: tuple[PastTouch, ...]


class Explorer:
    """Collection work at random: whom, which channel and which tone are all drawn by chance."""

    name = "explore"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.resting: dict[str, date] = {}  # left alone until this day

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        candidates = []
        for c in book:
            if c.last_touch is not None and (day - c.last_touch).days < CONTACT_GAP_DAYS:
                continue
            if self.resting.get(c.customer_id, day) > day:
                continue
            if self.rng.random() < EXPLORE_SHARE:
                candidates.append(c)
            else:
                self.resting[c.customer_id] = day + timedelta(days=CONTACT_GAP_DAYS)
        self.rng.shuffle(candidates)
        channels = [channel for channel, _ in EXPLORE_CHANNELS]
        weights = [weight for _, weight in EXPLORE_CHANNELS]
        left = capacity_minutes
        actions = []
        for customer in candidates:
            channel = self.rng.choices(channels, weights)[0]
            if COST_MINUTES[channel] > left:
                channel = Channel.EMAIL
                if COST_MINUTES[channel] > left:
                    break
            tone = Tone.FIRM if self.rng.random() < 0.5 else Tone.FRIENDLY
            actions.append(Action(customer.customer_id, channel, tone))
            left -= COST_MINUTES[channel]
        return actions


def explore(company: Company, *, start: date, days: int, capacity_hours: float, seed: int) -> LabHistory:
    """The company's records before ``start``, the last ``days`` of them worked by ``Explorer``."""
    first = start - timedelta(days=days)
    if first < company.start:
        raise ValueError(
            f"a learning policy learns from the {days} days before the window, and {first} is before "
            f"the company's first day ({company.start}): simulate a longer period or start later"
        )
    replay = Replay(company, start=first, days=days, capacity_hours=capacity_hours)
    replay.run(
        Explorer(random.Random(seed * 1_000_003 + 17)), random.Random(seed * 7_919 + 3), LabResult(seed)
    )
    items = [
        PastItem(
            customer_id=invoice.customer.customer_id,
            invoice_id=invoice.invoice_id,
            currency=invoice.customer.currency,
            amount=amount,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            disputed=invoice.disputed,
            paid_on=planned,
        )
        for invoice in company.invoices
        if invoice.issue_date < first and not invoice.cancelled
        for planned, amount in invoice.plan
        if planned is not None and planned < first  # settled before the worked period
    ]
    items += [
        PastItem(
            customer_id=item.invoice.customer.customer_id,
            invoice_id=item.invoice.invoice_id,
            currency=item.invoice.customer.currency,
            amount=item.amount,
            issue_date=item.invoice.issue_date,
            due_date=item.invoice.due_date,
            disputed=item.invoice.disputed,
            paid_on=item.paid_on,
        )
        for item in replay.items
        if item.invoice.issue_date < start
    ]
    touches = tuple(PastTouch(t.customer_id, t.day, t.channel, t.tone) for t in replay.touches)
    return LabHistory(as_of=start, worked_from=first, items=tuple(items), touches=touches)
