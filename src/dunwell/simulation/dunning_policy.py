"""The dunning planner as a strategy-lab policy (issue 18): ``--policy dunning:FILE.yaml``.

Each business day of a replay the policy turns what the lab shows (the customers with something
overdue, each with all its open items) into the planner's inputs, plans the day with
``dunning.planner.plan`` and returns one lab action per planned message. It keeps the messages it
sent as the planner's history (``as_history``), as the outbox does in production, so every item
advances through the ladder exactly as it would there: steps are derived from due dates and past
messages, never from a schedule.

What the lab cannot show, and how it is filled in:

- **Contacts.** The lab has no contacts or consents: e-mail, letter and call are usable for every
  customer, text messages for none (a step that only texts is skipped as ``no_contact``).
- **Channel and tone.** The message's first usable channel becomes the lab's channel (so the default
  ladder's ``urgent`` step, ``[email, call]``, is an e-mail: its call task is not carried out as a
  separate call); ``friendly`` stays friendly, every other tone is firm.
- **Capacity.** The lab charges every action its ``COST_MINUTES`` against the collectors' capacity
  (an e-mail 2 minutes, a letter 5), whoever sends it; it cannot tell an automated send from a
  person's work. So the dunning policy is given the same capacity as every other policy (equal
  effort). When a day's messages cost more, the latest steps go first, then the largest totals;
  a message left over is not recorded as sent, so it is planned again the next day (catch-up).
- **Approval.** A message that needs a person's approval is treated as approved (a person would
  approve it) and sent, and counted in ``needing_approval``.
- **Segments.** Only a book that assigns policies by segment needs them: it becomes a
  ``SegmentedDunningPolicy``, which has ``learn(history)``, so the lab first hands it the company's
  records before the window (``lab_history``: the lab replays the 300 days before the window for
  it, which costs more than the window itself) and each customer gets its ``ml.segments`` segment
  as of the day before the window, kept for the window. A customer the history does not know has
  no segment. Any other book is a plain ``DunningPolicy``: ``segment`` is ``None`` and nothing is
  replayed first.
- **Entities, holds, promises, unapplied cash, payment history.** Not in the lab's view: no
  entity, holds, promises, cash squeeze signs (no payment plan is ever offered) or engagement
  hours (the default send hour).
- **Customers with nothing overdue** are not in the lab's view, so a pre-due step reaches only
  customers that already have something overdue.

It reads nothing of the simulator's truth: only ``OverdueCustomer`` and its ``ItemView``s, and the
``LabHistory`` (records, no customer types or response parameters) for segments.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from dunwell.core.collections import Channel
from dunwell.core.money import to_minor_units
from dunwell.dunning.planner import plan
from dunwell.dunning.planner_inputs import ContactAccess, CustomerFacts, OpenItem, PastMessage
from dunwell.dunning.planner_values import PlannedMessage, as_history
from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.policy import Tone as DunningTone
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.segments import segment_customers
from dunwell.simulate.actions import COST_MINUTES, Action, Tone
from dunwell.simulate.lab import ItemView, OverdueCustomer
from dunwell.simulate.lab_history import LabHistory

#: What the lab's customers can be reached on (it has no contact or consent data).
LAB_ACCESS = {
    Channel.EMAIL: ContactAccess.USABLE,
    Channel.LETTER: ContactAccess.USABLE,
    Channel.CALL: ContactAccess.USABLE,
    Channel.SMS: ContactAccess.NO_ADDRESS,
}
#: The lab's channels for the planner's (a text message is never usable in the lab, see above).
LAB_CHANNELS = {Channel.EMAIL: Channel.EMAIL, Channel.LETTER: Channel.LETTER, Channel.CALL: Channel.CALL}


class DunningPolicy:
    """A dunning policy book run by the planner, one plan per business day of the replay."""

    def __init__(self, book: PolicyBook, *, name: str = "dunning") -> None:
        self.name = name
        self.book = book
        self._steps = {n: p.step_index() for n, p in book.policies.items()}
        #: Lab customer id -> segment name (``SegmentedDunningPolicy.learn``); kept across replays.
        self.segments: dict[str, str] = {}
        self._reset()

    def _reset(self) -> None:
        self._customers: dict[str, int] = {}
        self._items: dict[tuple[str, str], int] = {}
        self._history: dict[int, list[PastMessage]] = defaultdict(list)
        self._last_day: date | None = None
        #: messages (sent), needing_approval (of them), over_capacity (planned, left for a later day),
        #: skips (customer-currencies with something newly due and no message; skip:CODE per reason),
        #: step:ID (messages sent per step).
        self.counts: Counter[str] = Counter()

    @property
    def history(self) -> tuple[PastMessage, ...]:
        """Every message sent so far in this replay, as the planner's history."""
        return tuple(m for messages in self._history.values() for m in messages)

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        if self._last_day is not None and day <= self._last_day:
            self._reset()  # a new replay (another seed): nothing carries over
        self._last_day = day
        facts: list[CustomerFacts] = []
        items: list[OpenItem] = []
        history: list[PastMessage] = []
        for customer in book:
            code = self._customers.setdefault(customer.customer_id, len(self._customers))
            facts.append(
                CustomerFacts(
                    customer_id=code,
                    external_id=customer.customer_id,
                    segment=self.segments.get(customer.customer_id),
                    channel_access=LAB_ACCESS,
                )
            )
            items += self._open_items(code, customer)
            history += self._history.get(code, ())
        planned = plan(as_of=day, book=self.book, customers=facts, items=items, history=history)
        self.counts["skips"] += len(planned.skips)
        for skip in planned.skips:
            self.counts.update({f"skip:{code}" for code in (r.code.value for r in skip.reasons)})
        ids = {code: customer_id for customer_id, code in self._customers.items()}
        actions, sent, left = [], [], capacity_minutes
        for message in sorted(planned.messages, key=self._priority):
            channel = LAB_CHANNELS.get(message.channels[0])
            if channel is None:
                continue
            if COST_MINUTES[channel] > left:
                self.counts["over_capacity"] += 1  # not sent: planned again tomorrow
                continue
            left -= COST_MINUTES[channel]
            tone = Tone.FRIENDLY if message.tone is DunningTone.FRIENDLY else Tone.FIRM
            actions.append(Action(ids[message.customer_id], channel, tone))
            sent.append(message)
            self.counts["messages"] += 1
            self.counts[f"step:{message.step_id}"] += 1
            if message.needs_approval:
                self.counts["needing_approval"] += 1  # a person would approve it: sent
        for past in as_history(sent, day=day):
            self._history[past.customer_id].append(past)
        return actions

    def _priority(self, message: PlannedMessage) -> tuple[int, int, int]:
        """The latest step first, then the largest total, then the customer (stable)."""
        return (-self._steps[message.policy][message.step_id], -message.total_minor, message.customer_id)

    def _open_items(self, code: int, customer: OverdueCustomer) -> list[OpenItem]:
        """One planner item per invoice: its open instalments added up, in exact minor units."""
        by_invoice: dict[str, list[ItemView]] = defaultdict(list)
        for view in customer.items:
            by_invoice[view.invoice_id].append(view)
        return [
            OpenItem(
                item_id=self._items.setdefault((customer.customer_id, invoice_id), len(self._items)),
                customer_id=code,
                currency=customer.currency,
                due_date=min(v.due_date for v in views),
                open_minor=sum(to_minor_units(v.amount, customer.currency) for v in views),
                reference=invoice_id,
                disputed=any(v.disputed for v in views),
            )
            for invoice_id, views in by_invoice.items()
        ]


class SegmentedDunningPolicy(DunningPolicy):
    """A dunning policy whose book assigns policies by segment: segments come from the lab's history."""

    def learn(self, history: LabHistory) -> None:
        self.segments = lab_segments(history)


def dunning_policy(book: PolicyBook, *, name: str = "dunning") -> DunningPolicy:
    """The lab policy for ``book``: one that learns segments only when the book assigns by segment."""
    if book.assignments.segments:
        return SegmentedDunningPolicy(book, name=name)
    return DunningPolicy(book, name=name)


def lab_segments(history: LabHistory) -> dict[str, str]:
    """Each customer's ``ml.segments`` segment as of the day before ``history.as_of``, from its
    items and the days they were paid (amounts as floats: statistics, never money)."""
    if not history.items:
        return {}
    invoices = InvoiceHistory.from_records(
        {
            "invoice_id": item.invoice_id,
            "customer_id": item.customer_id,
            "currency": item.currency,
            "amount": float(item.amount),
            "issue_date": item.issue_date,
            "due_date": item.due_date,
            "paid_date": item.paid_on,
            "disputed": item.disputed,
        }
        for item in history.items
    )
    found = segment_customers(invoices, as_of=day_number(history.as_of) - 1)
    return {s.customer: s.segment.value for s in found}
