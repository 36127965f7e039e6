"""The strategy lab's learning policies: ``worklist`` (cash per minute) and ``risk-first``.

Both learn from the ``LabHistory`` they are handed (items, payments, touches; no customer types or
response parameters) with the same response model the app's worklist uses (``ml.response``):

- ``worklist``: each day, for each customer with something overdue and not contacted within a
  week, the action (channel and tone) whose expected extra cash within 30 days per minute is
  highest (``ml.action_value``); customers ranked by it, the day filled up to capacity. A stable
  randomised holdout (5 % by default) is left to the default policy, doing nothing extra, so that
  uplift can be measured on real data.
- ``risk-first``: customers ranked by predicted risk x amount, Σ amount x P(not paid within 30 days
  | no action); the channel and tone as ``oldest-first`` picks them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dunwell.core.collections import Channel
from dunwell.ml.action_value import DEFAULT_OPTIONS, ActionOption, action_values, in_holdout, plan_day
from dunwell.ml.history import NEVER, day_number
from dunwell.ml.response import (
    CALL,
    EMAIL,
    LETTER,
    ItemBook,
    ResponseModel,
    TouchLog,
    at_stake,
    payment_record,
    stake_features,
    training_rows,
)
from dunwell.simulate.actions import Action, Tone
from dunwell.simulate.lab import CONTACT_GAP_DAYS, OverdueCustomer, _Ranked
from dunwell.simulate.lab_history import LabHistory

CHANNEL_CODES = {Channel.EMAIL: EMAIL, Channel.SMS: EMAIL, Channel.LETTER: LETTER, Channel.CALL: CALL}
CODE_CHANNELS = {EMAIL: Channel.EMAIL, LETTER: Channel.LETTER, CALL: Channel.CALL}
HOLDOUT_SHARE = 0.05


@dataclass(frozen=True)
class _Scored:
    customer: np.ndarray  # a code per row of X
    X: pd.DataFrame
    amount_minor: np.ndarray


class _Learner:
    """The shared part: codes for customers, the payment record and touch log, the response model."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.record: dict[str, np.ndarray] = {}
        self.touches: list[tuple[int, int, int, bool]] = []
        self.model: ResponseModel | None = None

    def learn(self, history: LabHistory) -> None:
        for item in history.items:
            self.codes.setdefault(item.customer_id, len(self.codes))
        book = ItemBook(
            customer=np.array([self.codes[i.customer_id] for i in history.items], np.int64),
            amount=np.array([float(i.amount) for i in history.items]),
            issue=np.array([day_number(i.issue_date) for i in history.items], np.int64),
            due=np.array([day_number(i.due_date) for i in history.items], np.int64),
            paid=np.array([NEVER if i.paid_on is None else day_number(i.paid_on) for i in history.items]),
            disputed=np.array([i.disputed for i in history.items], bool),
            customers=len(self.codes),
        )
        self.touches = []
        for touch in history.touches:
            self.codes.setdefault(touch.customer_id, len(self.codes))
            self._touched(touch.day, touch.customer_id, touch.channel, touch.tone)
        log = self._touch_log()
        last = day_number(history.as_of) - 1
        rows = training_rows(book, log, first=day_number(history.worked_from), last=last)
        self.model = ResponseModel().fit(rows)
        self.record = payment_record(book, last)

    def _touch_log(self) -> TouchLog:
        if not self.touches:
            return TouchLog.empty()
        customer, day, channel, firm = (np.array(column) for column in zip(*self.touches, strict=True))
        return TouchLog(
            customer.astype(np.int64), day.astype(np.int64), channel.astype(np.int64), firm.astype(bool)
        )

    def _scored(self, day: date, book: Sequence[OverdueCustomer]) -> _Scored:
        """Today's items at stake for ``book``'s customers, with the model's inputs."""
        for customer in book:
            self.codes.setdefault(customer.customer_id, len(self.codes))
        items = [(self.codes[c.customer_id], i) for c in book for i in c.items]
        n = len(self.codes)
        today = ItemBook(
            customer=np.array([code for code, _ in items], np.int64),
            amount=np.array([float(i.amount) for _, i in items]),
            issue=np.array([day_number(i.issue_date) for _, i in items], np.int64),
            due=np.array([day_number(i.due_date) for _, i in items], np.int64),
            paid=np.full(len(items), NEVER, np.int64),
            disputed=np.array([i.disputed for _, i in items], bool),
            customers=n,
        )
        record = {
            name: _padded(values, n, 0.0 if name == "paid_count" else np.nan)
            for name, values in self.record.items()
        }
        rows = at_stake(today, day_number(day))
        inputs = stake_features(today, rows, day_number(day), record, self._touch_log())
        minor = np.array([int(items[r][1].amount * 100) for r in rows], np.int64)
        return _Scored(today.customer[rows], inputs, minor)

    def _touched(self, day: date, customer_id: str, channel: Channel, tone: Tone) -> None:
        self.touches.append(
            (self.codes[customer_id], day_number(day), CHANNEL_CODES[channel], tone is Tone.FIRM)
        )


class WorklistPolicy(_Learner):
    name = "worklist"

    def __init__(
        self, *, holdout_share: float = HOLDOUT_SHARE, options: Sequence[ActionOption] = DEFAULT_OPTIONS
    ):
        super().__init__()
        self.holdout_share = holdout_share
        self.options = tuple(options)

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        if self.model is None:
            raise RuntimeError("the worklist policy learns from a history first (learn)")
        workable = [
            c
            for c in book
            if (c.last_touch is None or (day - c.last_touch).days >= CONTACT_GAP_DAYS)
            and not in_holdout(c.customer_id, self.holdout_share, salt="lab")
        ]
        if not workable:
            return []
        scored = self._scored(day, workable)
        values = action_values(self.model, scored.X, scored.customer, scored.amount_minor, self.options)
        ids = {code: customer_id for customer_id, code in self.codes.items()}
        actions = []
        for value in plan_day(values, capacity_minutes):
            channel = CODE_CHANNELS[value.option.channel]
            tone = Tone.FIRM if value.option.firm else Tone.FRIENDLY
            actions.append(Action(ids[value.customer], channel, tone))
            self._touched(day, ids[value.customer], channel, tone)
        return actions


class RiskFirst(_Learner, _Ranked):
    """Highest predicted risk x amount first: Σ amount x P(not paid within 30 days | no action)."""

    name = "risk-first"

    def __init__(self) -> None:
        super().__init__()
        self.risk: dict[str, float] = {}

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        if self.model is None:
            raise RuntimeError("the risk-first policy learns from a history first (learn)")
        scored = self._scored(day, book)
        risk = (1.0 - self.model.p_untouched(scored.X)) * scored.amount_minor
        by_code = np.bincount(scored.customer, risk, minlength=len(self.codes))
        self.risk = {c.customer_id: float(by_code[self.codes[c.customer_id]]) for c in book}
        actions = _Ranked.choose(self, day, book, capacity_minutes)
        for action in actions:
            self._touched(day, action.customer_id, action.channel, action.tone)
        return actions

    def rank(self, customer: OverdueCustomer) -> tuple[float, ...]:
        return (-self.risk.get(customer.customer_id, 0.0), -customer.oldest_days_overdue)


LEARNING_POLICIES = {"worklist": WorklistPolicy, "risk-first": RiskFirst}


def _padded(values: np.ndarray, n: int, fill: float) -> np.ndarray:
    """A per-customer column grown to ``n`` customers: ones first seen later have no record."""
    if len(values) >= n:
        return values
    return np.concatenate([values, np.full(n - len(values), fill)])
