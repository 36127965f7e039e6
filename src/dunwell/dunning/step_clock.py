"""Which step an item has reached, and which it was already sent at: both derived from facts (the
item's due date and the messages already planned or sent), never from a stored "next send" date.

Reached step (walk the ladder in order, stop at the first step whose day is after ``as_of``):
- ``from: due``: the step's day is the due date + ``days``;
- ``from: month_end``: the last day of the due date's month + ``days``;
- ``from: previous_step``: the first day the item was listed in a message at the step before (or a
  later one) + ``days``; an item never listed at the step before has not reached this one.
The item has reached the last step whose day came; none before the first step's day.

Sent step: the highest step among the lines of past messages that list the item (a step id the
policy no longer has is ignored). An item is newly due when its reached step is above its sent step.
Credit memos (open amount below zero) reach no step.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dunwell.dunning.planner_inputs import PastMessage
from dunwell.dunning.policy import Anchor, Policy

NOT_REACHED = -1


@dataclass(frozen=True, slots=True)
class ItemHistory:
    """What past messages say about one item: its highest step, and the first day it was listed at
    each step index (or higher)."""

    sent: int
    first_listed: tuple[tuple[int, date], ...]  # (step index, first day listed at it)

    def listed_since(self, step: int) -> date | None:
        """The first day the item was listed at ``step`` or a later one."""
        days = [day for index, day in self.first_listed if index >= step]
        return min(days) if days else None


NO_HISTORY = ItemHistory(NOT_REACHED, ())


def item_histories(history: Iterable[PastMessage], step_index: Mapping[str, int]) -> dict[int, ItemHistory]:
    """Each item's ``ItemHistory`` from one customer's past messages (unknown step ids ignored)."""
    first: dict[int, dict[int, date]] = {}
    for message in history:
        for line in message.lines:
            index = step_index.get(line.step_id)
            if index is None:
                continue
            days = first.setdefault(line.item_id, {})
            if index not in days or message.day < days[index]:
                days[index] = message.day
    return {item: ItemHistory(max(days), tuple(sorted(days.items()))) for item, days in first.items()}


class StepClock:
    """Reached steps for one policy on one day. A step's day ``anchor + days`` has come when the
    anchor is on or before ``as_of - days``: that cutoff is computed once per step, so an item costs
    date comparisons only."""

    def __init__(self, policy: Policy, as_of: date) -> None:
        self.policy = policy
        self.as_of = as_of
        self._steps = [(step.anchor, as_of - timedelta(days=step.days)) for step in policy.steps]
        self._month_ends: dict[tuple[int, int], date] = {}

    def _month_end(self, day: date) -> date:
        key = (day.year, day.month)
        found = self._month_ends.get(key)
        if found is None:
            found = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
            self._month_ends[key] = found
        return found

    def _anchor_day(self, index: int, due_date: date, history: ItemHistory) -> date | None:
        anchor = self._steps[index][0]
        if anchor is Anchor.DUE:
            return due_date
        if anchor is Anchor.MONTH_END:
            return self._month_end(due_date)
        return history.listed_since(index - 1)

    def reached(self, due_date: date, history: ItemHistory) -> int:
        """The highest step index the item has reached on ``as_of`` (or ``NOT_REACHED``)."""
        reached = NOT_REACHED
        for index, (anchor, cutoff) in enumerate(self._steps):
            if anchor is Anchor.DUE:
                if due_date > cutoff:
                    break
            else:
                base = self._anchor_day(index, due_date, history)
                if base is None or base > cutoff:
                    break
            reached = index
        return reached

    def reached_on(self, index: int, due_date: date, history: ItemHistory) -> date:
        """The day the item reached step ``index`` (which it has reached)."""
        base = self._anchor_day(index, due_date, history)
        if base is None:
            raise ValueError(f"step {index} is not reached by an item due {due_date}")
        return base + timedelta(days=self.policy.steps[index].days)
