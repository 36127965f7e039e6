"""The strategy lab: replay a company's period day by day under a collection policy.

Each business day the policy picks actions (customers to e-mail, write to or call) within the
collectors' capacity; customers respond (``actions.respond``); cash arrives on the day each open
item is paid. Without actions every item is paid on its planned day (what the company's history
shows), so the ``none`` policy reproduces the company's own cash, and every other policy is
measured against the same customers at equal effort. Seeds vary only the responses.

Policies are plugins: anything with ``name`` and ``choose(day, book, capacity_minutes)``; pass a
shipped name or ``package.module:attribute`` (a class or a ready instance). A policy that also has
``learn(history)`` is first handed a ``LabHistory`` (``lab_history``): the company's past up to the
first day, in which its collectors worked at random, so the policy can learn how customers respond
from touches and payments, as it would from a real company's records, and never from the
simulator's parameters.
"""

from __future__ import annotations

import importlib
import random
import statistics
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from dunwell.core.collections import Channel
from dunwell.simulate.actions import COST_MINUTES, Action, Tone, respond
from dunwell.simulate.records import Company, SimInvoice

CONTACT_GAP_DAYS = 7  # the same customer is not contacted again within a week (B2B courtesy)
RECENT_DAYS = 14  # touches within this many days count as recent (customers tire of them)
WINDOWS = (30, 60, 90)
HISTORY_DAYS = 300  # the past a learning policy is given: ten months, long enough to see 30-day outcomes


@dataclass(slots=True)
class OpenItem:
    invoice: SimInvoice
    amount: Decimal
    planned: date | None  # None: not paid without action
    paid_on: date | None = None  # the day it was paid in this replay


@dataclass(frozen=True, slots=True)
class ItemView:
    """One open item (an invoice or one of its instalments) as the company's books show it."""

    invoice_id: str
    amount: Decimal
    issue_date: date
    due_date: date
    disputed: bool


@dataclass(frozen=True, slots=True)
class OverdueCustomer:
    """What a policy sees of one customer with overdue items on a day."""

    customer_id: str
    currency: str
    overdue_amount: Decimal
    oldest_days_overdue: int
    open_items: int
    last_touch: date | None
    #: Touches in the 14 days before the day.
    recent_touches: int = 0
    #: Every open item of the customer, overdue or not.
    items: tuple[ItemView, ...] = ()


class Policy(Protocol):
    name: str

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]: ...


class NoActions:
    name = "none"

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        return []


class _Ranked(ABC):
    """Work down a ranking of overdue customers: call the long overdue, e-mail the others."""

    name = "ranked"

    @abstractmethod
    def rank(self, customer: OverdueCustomer) -> tuple[float, ...]:
        """The sort key: the customer to work first sorts first."""

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        actions, left = [], capacity_minutes
        for customer in sorted(book, key=self.rank):
            if customer.last_touch is not None and (day - customer.last_touch).days < CONTACT_GAP_DAYS:
                continue
            channel = Channel.CALL if customer.oldest_days_overdue >= 30 else Channel.EMAIL
            if COST_MINUTES[channel] > left:
                if COST_MINUTES[Channel.EMAIL] > left:
                    break
                channel = Channel.EMAIL
            tone = Tone.FIRM if customer.oldest_days_overdue >= 60 else Tone.FRIENDLY
            actions.append(Action(customer.customer_id, channel, tone))
            left -= COST_MINUTES[channel]
        return actions


class OldestFirst(_Ranked):
    name = "oldest-first"

    def rank(self, customer: OverdueCustomer) -> tuple[float, ...]:
        return (-customer.oldest_days_overdue, -float(customer.overdue_amount))


class LargestFirst(_Ranked):
    name = "largest-first"

    def rank(self, customer: OverdueCustomer) -> tuple[float, ...]:
        return (-float(customer.overdue_amount), -customer.oldest_days_overdue)


POLICIES: dict[str, Callable[[], Policy]] = {
    "none": NoActions,
    "oldest-first": OldestFirst,
    "largest-first": LargestFirst,
}


def load_policy(name: str) -> Policy:
    """A shipped policy by name, or ``package.module:attribute`` (a class or an instance)."""
    if name in POLICIES:
        return POLICIES[name]()
    if ":" not in name:
        raise ValueError(
            f"unknown policy {name!r}; shipped: {', '.join(POLICIES)}; or give package.module:Name"
        )
    module_name, attribute = name.split(":", 1)
    target = getattr(importlib.import_module(module_name), attribute)
    policy = target() if isinstance(target, type) else target
    if not callable(getattr(policy, "choose", None)):
        raise ValueError(f"{name} has no choose(day, book, capacity_minutes) method")
    return policy  # type: ignore[no-any-return]


@dataclass(slots=True)
class LabResult:
    seed: int
    #: Cash received in the first 30, 60 and 90 days, per currency.
    cash: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    dso_end: dict[str, Decimal] = field(default_factory=dict)
    touches: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    minutes_used: int = 0
    #: Actions a policy asked for beyond the day's capacity (not carried out).
    refused: int = 0


def run_lab(
    company: Company,
    policy: Policy,
    *,
    start: date,
    days: int,
    capacity_hours: float,
    seed: int,
    history_days: int = HISTORY_DAYS,
) -> LabResult:
    """Replay ``days`` days from ``start`` under ``policy``; ``seed`` drives the responses.

    A policy with ``learn(history)`` first learns from the ``history_days`` before ``start``
    (``lab_history.explore``), worked at random with the same capacity.
    """
    learn = getattr(policy, "learn", None)
    if callable(learn):
        from dunwell.simulate.lab_history import explore  # the history replays through this module

        learn(explore(company, start=start, days=history_days, capacity_hours=capacity_hours, seed=seed))
    result = LabResult(seed=seed)
    replay = Replay(company, start=start, days=days, capacity_hours=capacity_hours)
    received, open_items = replay.run(policy, random.Random(seed), result)
    for window in WINDOWS:
        if window <= days:
            totals: dict[str, Decimal] = defaultdict(Decimal)
            for paid_on, currency, amount in received:
                if (paid_on - start).days < window:
                    totals[currency] += amount
            result.cash[window] = dict(sorted(totals.items()))
    result.dso_end = _dso(company, open_items, end=replay.end, period_days=min(days, 90))
    return result


@dataclass(frozen=True, slots=True)
class LabTouch:
    customer_id: str
    day: date
    channel: Channel
    tone: Tone


class Replay:
    """The day-by-day replay of a window: items enter when issued and leave when paid."""

    def __init__(self, company: Company, *, start: date, days: int, capacity_hours: float) -> None:
        self.start = start
        self.end = start + timedelta(days=days - 1)
        self.capacity = int(capacity_hours * 60)
        self.pending = _items_by_issue_day(company, start, self.end)
        self.items = [item for entering in self.pending.values() for item in entering]
        self.touches: list[LabTouch] = []

    def run(
        self, policy: Policy, rng: random.Random, result: LabResult
    ) -> tuple[list[tuple[date, str, Decimal]], dict[str, list[OpenItem]]]:
        """Cash received (day, currency, amount) and what is still open after the last day."""
        pending = {day: list(items) for day, items in self.pending.items()}
        open_items: dict[str, list[OpenItem]] = defaultdict(list)
        received: list[tuple[date, str, Decimal]] = []
        last_touch: dict[str, date] = {}
        touch_days: dict[str, list[date]] = defaultdict(list)
        day = self.start
        while day <= self.end:
            for item in pending.pop(day, ()):
                open_items[item.invoice.customer.customer_id].append(item)
            if day.weekday() < 5:
                book = _overdue_book(open_items, day, last_touch, touch_days)
                left = self.capacity
                for action in policy.choose(day, book, self.capacity):
                    if action.customer_id not in open_items:
                        continue  # nothing open: nobody to contact
                    if COST_MINUTES[action.channel] > left:
                        result.refused += 1  # the lab, not the policy, holds the line on capacity
                        continue
                    left -= COST_MINUTES[action.channel]
                    result.touches[action.channel.value] += 1
                    result.minutes_used += COST_MINUTES[action.channel]
                    recent = _recent(touch_days[action.customer_id], day)
                    touch_days[action.customer_id].append(day)
                    last_touch[action.customer_id] = day
                    self.touches.append(LabTouch(action.customer_id, day, action.channel, action.tone))
                    _apply(rng, action, open_items[action.customer_id], day, recent, result)
            for customer_id in list(open_items):
                items = open_items[customer_id]
                for item in [i for i in items if i.planned is not None and i.planned <= day]:
                    received.append((day, item.invoice.customer.currency, item.amount))
                    item.paid_on = day
                    items.remove(item)
                if not items:
                    del open_items[customer_id]
            day += timedelta(days=1)
        return received, open_items


def _recent(days: list[date], day: date) -> int:
    return sum(1 for d in days if (day - d).days < RECENT_DAYS)


def _items_by_issue_day(company: Company, start: date, end: date) -> dict[date, list[OpenItem]]:
    """Instalments still open on ``start`` (keyed by ``start``) or issued during the window."""
    pending: dict[date, list[OpenItem]] = defaultdict(list)
    for invoice in company.invoices:
        if invoice.issue_date > end or invoice.cancelled:
            continue  # a cancelled invoice is settled by its credit memo: nothing to collect
        enters = max(invoice.issue_date, start)
        plan: list[tuple[date | None, Decimal]] = list(invoice.plan) or [(None, invoice.amount)]
        for planned, amount in plan:
            if planned is None or planned >= start:
                pending[enters].append(OpenItem(invoice, amount, planned))
    return pending


def _overdue_book(
    open_items: dict[str, list[OpenItem]],
    day: date,
    last_touch: dict[str, date],
    touch_days: dict[str, list[date]],
) -> list[OverdueCustomer]:
    book = []
    for customer_id, items in open_items.items():
        overdue = [i for i in items if i.invoice.due_date < day]
        if overdue:
            book.append(
                OverdueCustomer(
                    customer_id=customer_id,
                    currency=items[0].invoice.customer.currency,
                    overdue_amount=sum((i.amount for i in overdue), Decimal(0)),
                    oldest_days_overdue=max((day - i.invoice.due_date).days for i in overdue),
                    open_items=len(items),
                    last_touch=last_touch.get(customer_id),
                    recent_touches=_recent(touch_days.get(customer_id, []), day),
                    items=tuple(_view(i) for i in items),
                )
            )
    return book


def _view(item: OpenItem) -> ItemView:
    invoice = item.invoice
    return ItemView(invoice.invoice_id, item.amount, invoice.issue_date, invoice.due_date, invoice.disputed)


def _apply(
    rng: random.Random, action: Action, items: list[OpenItem], day: date, recent: int, result: LabResult
) -> None:
    for item in items:
        if item.invoice.due_date > day + timedelta(days=7):
            continue  # the action is about what is overdue or due this week
        response = respond(
            rng,
            item.invoice.customer.behaviour.type,
            action,
            today=day,
            due=item.invoice.due_date,
            planned=item.planned,
            disputed=item.invoice.disputed,
            recent_touches=recent,
        )
        result.outcomes[response.outcome] += 1
        pay_on = response.pay_on
        if pay_on is not None and pay_on.weekday() >= 5:
            pay_on += timedelta(days=7 - pay_on.weekday())  # banks book on Monday
        item.planned = pay_on


def _dso(
    company: Company, open_items: dict[str, list[OpenItem]], *, end: date, period_days: int
) -> dict[str, Decimal]:
    """(AR at the end / credit sales of the last ``period_days`` days) x ``period_days``, per currency."""
    receivable: dict[str, Decimal] = defaultdict(Decimal)
    for items in open_items.values():
        for item in items:
            receivable[item.invoice.customer.currency] += item.amount
    sales: dict[str, Decimal] = defaultdict(Decimal)
    first = end - timedelta(days=period_days - 1)
    for invoice in company.invoices:
        if first <= invoice.issue_date <= end:
            sales[invoice.customer.currency] += invoice.amount
    return {
        currency: (receivable[currency] / sales[currency] * period_days).quantize(Decimal("0.1"))
        for currency in sorted(sales)
        if sales[currency]
    }


def summarise(results: Sequence[LabResult]) -> dict[str, object]:
    """Per seed and across seeds (mean, standard deviation, min, max) for every figure."""

    def spread(values: list[Decimal]) -> dict[str, str]:
        floats = [float(v) for v in values]
        return {
            "mean": f"{statistics.fmean(floats):.2f}",
            "stdev": f"{statistics.stdev(floats):.2f}" if len(floats) > 1 else "0.00",
            "min": f"{min(floats):.2f}",
            "max": f"{max(floats):.2f}",
        }

    first = results[0]
    across: dict[str, object] = {}
    for window, by_currency in first.cash.items():
        across[f"cash_{window}d"] = {
            c: spread([r.cash[window].get(c, Decimal(0)) for r in results]) for c in by_currency
        }
    across["dso_end"] = {c: spread([r.dso_end.get(c, Decimal(0)) for r in results]) for c in first.dso_end}
    channels = sorted({c for r in results for c in r.touches})
    across["touches"] = {c: spread([Decimal(r.touches[c]) for r in results]) for c in channels}
    return {
        "seeds": [
            {
                "seed": r.seed,
                **{f"cash_{w}d": {c: str(v) for c, v in by.items()} for w, by in r.cash.items()},
                "dso_end": {c: str(v) for c, v in r.dso_end.items()},
                "touches": dict(sorted(r.touches.items())),
                "minutes_used": r.minutes_used,
                "refused_over_capacity": r.refused,
                "outcomes": dict(sorted(r.outcomes.items())),
            }
            for r in results
        ],
        "mean": across,
    }
