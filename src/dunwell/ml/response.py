"""How customers respond to collection work: a payment curve without action, and what an action adds.

For an item at stake on a day (overdue, or due within a week, of a customer with something
overdue), the model estimates (ADR 0024):

- **the payment curve without action**: P(paid within h days | no action) for h on a grid up to
  the 30-day horizon, each a gradient-boosted classifier over the customer's payment record and
  the state of its account on the day, learned from the items of customers left alone that day;
- **what an action adds**: the share of items that would not have been paid within a week that a
  touch by a channel in a tone gets paid within it (a reminder that works is answered within days),
  learned from the touched items against what the curve says they would have done untouched,
  per channel and tone, with a factor per cell (how overdue x how likely to be paid anyway) pooled
  over channels, each shrunk towards a documented prior (``PRIOR_RESPONSE``).

Where the history has no touches the priors are what is used, so the model works from day one and
learns as touches accrue. The comparison is only sound where whom to contact was left to chance,
which is why the worklist keeps a randomised holdout.

Everything is point in time: rows on day ``d`` see payments with ``paid <= d`` and touches before
``d`` only; the outcome (paid by ``d + h``) is what the model learns, so training days end a
horizon before the history does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from dunwell.ml.boosting import booster_options
from dunwell.ml.history import NEVER

#: Channel codes in the model's inputs; 0 is "no action".
NO_ACTION, EMAIL, LETTER, CALL = 0, 1, 2, 3
CHANNELS = (EMAIL, LETTER, CALL)
DUE_SOON_DAYS = 7  # items due within a week are at stake too: a reminder covers them
RECENT_DAYS = 14
CONTACT_GAP_DAYS = 7  # a customer is not contacted again within a week (the worklist's rule)
HORIZON_DAYS = 30
LATE_DAYS = 5  # paid more than this many days after the due date counts as late
#: A reminder that works is paid within days; its effect is learned over this window, where it
#: stands out from the payments that would have come anyway, and then applied to what would not
#: have been paid within the horizon.
RESPONSE_DAYS = 7
#: The horizons the payment curve without action is learned at (its area is the cash-days).
CURVE_DAYS = (RESPONSE_DAYS, 14, 21, HORIZON_DAYS)
#: Fewer untouched rows than this and there is nothing to learn from.
MIN_UNTOUCHED_ROWS = 200
#: Fewer touched rows than this and the payment groups' documented priors shape the shares.
MIN_TOUCHED_ROWS = 200
#: How much the prior weighs in each cell's converted share: as many items that could have been
#: converted as this (so a cell with 200 such items is mostly its own evidence).
PRIOR_WEIGHT = 20.0
#: The share of items not otherwise paid within a week that a touch gets paid within it, by
#: channel, before a company's own touches say otherwise. Assumptions, not measurements: field
#: experiments on payment reminders report uplifts of a few points per message (DOMAIN.md §3),
#: and calls move more than letters, letters more than e-mails.
PRIOR_RESPONSE = {EMAIL: 0.05, LETTER: 0.08, CALL: 0.15}

FEATURES = (
    "days_past_due",
    "log_amount",
    "median_delay",
    "delay_spread",
    "late_share",
    "paid_count",
    "overdue_items",
    "log_overdue",
    "touches_recent",
    "days_since_touch",
)


@dataclass(frozen=True)
class ItemBook:
    """Items (invoices or instalments) as columns: customer codes 0..n-1, days as day numbers."""

    customer: np.ndarray  # int64
    amount: np.ndarray  # float64, for inputs only: money stays Decimal where it is money
    issue: np.ndarray
    due: np.ndarray
    paid: np.ndarray  # NEVER when still open (or not known)
    disputed: np.ndarray  # bool
    customers: int


@dataclass(frozen=True)
class TouchLog:
    customer: np.ndarray
    day: np.ndarray
    channel: np.ndarray  # EMAIL, LETTER or CALL
    firm: np.ndarray  # bool

    @classmethod
    def empty(cls) -> TouchLog:
        none = np.zeros(0, np.int64)
        return cls(none, none, none, np.zeros(0, bool))


def payment_record(book: ItemBook, known: int) -> dict[str, np.ndarray]:
    """Per customer, from items paid by ``known``: median delay, spread (IQR), late share, count."""
    seen = book.paid <= known
    delay = (book.paid[seen] - book.due[seen]).astype(float)
    customer = book.customer[seen]
    n = book.customers
    count = np.bincount(customer, minlength=n)
    late = np.bincount(customer, delay > LATE_DAYS, minlength=n) / np.maximum(count, 1)
    order = np.lexsort((delay, customer))  # by customer, then delay: each customer's delays sorted
    ordered = delay[order]
    start = np.concatenate([[0], np.cumsum(count)[:-1]])

    def quantile(q: float) -> np.ndarray:
        # numpy's default (linear) percentile, for every customer at once.
        position = start + q * np.maximum(count - 1, 0)
        low = np.floor(position).astype(np.int64)
        high = np.minimum(low + 1, start + np.maximum(count - 1, 0))
        values = np.full(n, np.nan)
        has = count > 0
        weight = position[has] - low[has]
        values[has] = ordered[low[has]] * (1 - weight) + ordered[high[has]] * weight
        return values

    q1, median, q3 = quantile(0.25), quantile(0.5), quantile(0.75)
    return {
        "median_delay": median,
        "delay_spread": q3 - q1,
        "late_share": np.where(count > 0, late, np.nan),
        "paid_count": count.astype(float),
    }


def at_stake(book: ItemBook, day: int) -> np.ndarray:
    """Indices of the items at stake on ``day``: open, undisputed, overdue or due within a week,
    of customers with something overdue."""
    open_ = (book.issue <= day) & (book.paid > day) & ~book.disputed
    overdue = open_ & (book.due < day)
    has_overdue = np.bincount(book.customer[overdue], minlength=book.customers) > 0
    return np.flatnonzero(open_ & (book.due <= day + DUE_SOON_DAYS) & has_overdue[book.customer])


def stake_features(
    book: ItemBook, rows: np.ndarray, day: int, record: dict[str, np.ndarray], touches: TouchLog
) -> pd.DataFrame:
    """The model's inputs for items ``rows`` on ``day`` (touches before ``day`` only)."""
    customer = book.customer[rows]
    overdue = rows[book.due[rows] < day]
    overdue_items = np.bincount(book.customer[overdue], minlength=book.customers)
    overdue_amount = np.bincount(book.customer[overdue], book.amount[overdue], minlength=book.customers)
    before = touches.day < day
    recent = before & (touches.day >= day - RECENT_DAYS)
    touches_recent = np.bincount(touches.customer[recent], minlength=book.customers)
    last = np.full(book.customers, -NEVER, np.int64)
    np.maximum.at(last, touches.customer[before], touches.day[before])
    return pd.DataFrame(
        {
            "days_past_due": (day - book.due[rows]).astype(float),
            "log_amount": np.log1p(np.maximum(book.amount[rows], 0.0)),
            "median_delay": record["median_delay"][customer],
            "delay_spread": record["delay_spread"][customer],
            "late_share": record["late_share"][customer],
            "paid_count": record["paid_count"][customer],
            "overdue_items": overdue_items[customer].astype(float),
            "log_overdue": np.log1p(overdue_amount[customer]),
            "touches_recent": touches_recent[customer].astype(float),
            "days_since_touch": np.minimum(day - last[customer], 365).astype(float),
        }
    )


@dataclass(frozen=True)
class TrainingRows:
    X: pd.DataFrame  # FEATURES
    channel: np.ndarray  # NO_ACTION or a channel
    firm: np.ndarray
    days_to_pay: np.ndarray  # from the row's day to payment, capped at HORIZON_DAYS + 1 (not by then)

    def paid_within(self, days: int) -> np.ndarray:
        return np.asarray(self.days_to_pay <= days)


def training_rows(
    book: ItemBook,
    touches: TouchLog,
    *,
    first: int,
    last: int,
    gap_days: int = CONTACT_GAP_DAYS,
) -> TrainingRows:
    """Rows for every business day from ``first`` whose outcome (HORIZON_DAYS on) is known by ``last``.

    An item's row is treated when its customer was touched that day (with that touch's channel and
    tone), untouched otherwise. Only customers who could have been contacted that day (no touch in
    the ``gap_days`` before) give rows: the comparison is between those contacted and those left
    alone, not with customers still answering last week's reminder. Payment records are as of
    ``first``: later ones would leak the outcomes the rows are about.
    """
    record = payment_record(book, first)
    frames, channels, firms, outcomes = [], [], [], []
    touch_index = {
        (int(c), int(d)): i for i, (c, d) in enumerate(zip(touches.customer, touches.day, strict=True))
    }
    for day in range(first, last - HORIZON_DAYS + 1):
        if (day + 3) % 7 >= 5:  # day numbers start on a Thursday: skip Saturdays and Sundays
            continue
        rows = at_stake(book, day)
        if len(rows) and len(touches.day):
            window = (touches.day < day) & (touches.day > day - gap_days)
            busy = np.zeros(book.customers, bool)
            busy[touches.customer[window]] = True
            rows = rows[~busy[book.customer[rows]]]
        if not len(rows):
            continue
        frames.append(stake_features(book, rows, day, record, touches))
        touched = np.array([touch_index.get((int(c), day), -1) for c in book.customer[rows]], np.int64)
        if len(touches.day):
            channels.append(np.where(touched >= 0, touches.channel[np.maximum(touched, 0)], NO_ACTION))
            firms.append(np.where(touched >= 0, touches.firm[np.maximum(touched, 0)], False))
        else:  # a history without touches: every row is untouched
            channels.append(np.full(len(rows), NO_ACTION))
            firms.append(np.zeros(len(rows), bool))
        outcomes.append(np.minimum(book.paid[rows] - day, HORIZON_DAYS + 1))
    if not frames:
        empty = pd.DataFrame({name: np.zeros(0) for name in FEATURES})
        return TrainingRows(empty, np.zeros(0, np.int64), np.zeros(0, bool), np.zeros(0, np.int64))
    return TrainingRows(
        pd.concat(frames, ignore_index=True),
        np.concatenate(channels).astype(np.int64),
        np.concatenate(firms).astype(bool),
        np.concatenate(outcomes).astype(np.int64),
    )


class ResponseModel(BaseEstimator):  # type: ignore[misc]
    """When an item is paid if nothing is done, and the share of items an action gets paid within
    days; see the module docstring."""

    def __init__(
        self,
        n_estimators: int = 150,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 80,
        prior_weight: float = PRIOR_WEIGHT,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.prior_weight = prior_weight
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, rows: TrainingRows) -> ResponseModel:
        untouched = rows.channel == NO_ACTION
        paid = rows.paid_within(HORIZON_DAYS)
        if untouched.sum() < MIN_UNTOUCHED_ROWS or len(np.unique(paid[untouched])) < 2:
            raise ValueError("too little untouched history to learn when items are paid")
        inputs = rows.X[untouched][list(FEATURES)]
        # P(paid within h | no action) on a grid of horizons: the curve whose area is the cash-days.
        self.curve_: dict[int, Any] = {}
        for h in CURVE_DAYS:
            outcome = rows.paid_within(h)[untouched]
            self.curve_[h] = (
                lgb.LGBMClassifier(**booster_options(self)).fit(inputs, outcome)
                if len(np.unique(outcome)) == 2
                else float(outcome.mean())
            )
        touched = ~untouched
        # What each touched item would have done untouched within RESPONSE_DAYS (the models never
        # saw these rows), and what it did: converted mass over convertible mass, per cell, shrunk
        # towards the channel and tone's own rate, itself shrunk towards the prior.
        X_touched = rows.X[touched]
        base = self._paid_within(X_touched, RESPONSE_DAYS)
        gained = rows.paid_within(RESPONSE_DAYS)[touched] - base
        room = 1.0 - base
        cells = _cells(X_touched, self.p_untouched(X_touched))
        channel, firm = rows.channel[touched], rows.firm[touched]
        self.touched_rows_ = {c: int((channel == c).sum()) for c in CHANNELS}
        self.rates_: dict[tuple[int, bool, int], float] = {}
        self.overall_: dict[tuple[int, bool], float] = {}
        k = self.prior_weight
        for c in CHANNELS:
            for tone in (False, True):
                mine = (channel == c) & (firm == tone)
                overall = (gained[mine].sum() + k * PRIOR_RESPONSE[c]) / (room[mine].sum() + k)
                self.overall_[(c, tone)] = float(overall)
        # How much more or less than its channel's share an action converts in each cell, pooled
        # over every channel and tone (a cell's own per-channel share would rest on a few dozen
        # rows, and the day's plan would chase the noisiest ones).
        expected = np.array([self.overall_[(int(c), bool(f))] for c, f in zip(channel, firm, strict=True)])
        self.cell_factor_ = {}
        for cell in range(CELLS):
            here = cells == cell
            predicted = float((expected[here] * room[here]).sum())
            factor = (gained[here].sum() + k) / (predicted + k) if predicted > 0 else 1.0
            self.cell_factor_[cell] = float(np.clip(factor, 0.0, 3.0))
        # With too few touches to learn from, the payment groups' documented priors shape the
        # shares; once touches accrue, what they show replaces them (a learned group factor was
        # tried and only added noise: the cells already say how likely an item is to come anyway).
        learned = int(touched.sum()) >= MIN_TOUCHED_ROWS
        self.group_factor_ = {g: 1.0 if learned else prior for g, prior in GROUP_PRIOR.items()}
        for (c, tone), overall in self.overall_.items():
            for cell in range(CELLS):
                for group in GROUP_PRIOR:
                    rate = overall * self.cell_factor_[cell] * self.group_factor_[group]
                    self.rates_[(c, tone, cell * len(GROUP_PRIOR) + group)] = float(np.clip(rate, -0.5, 1.0))
        return self

    def _paid_within(self, X: pd.DataFrame, days: int) -> np.ndarray:
        model = self.curve_[days]
        if isinstance(model, float) or not len(X):
            return np.full(len(X), model if isinstance(model, float) else 0.0)
        return np.asarray(model.predict_proba(X[list(FEATURES)])[:, 1])

    def p_untouched(self, X: pd.DataFrame) -> np.ndarray:
        """P(paid within HORIZON_DAYS | no action)."""
        return self._paid_within(X, HORIZON_DAYS)

    def waiting_share(self, X: pd.DataFrame) -> np.ndarray:
        """The share of the horizon an item still waits for payment, from RESPONSE_DAYS on, if nothing
        is done: the area above the payment curve between the two, over HORIZON_DAYS (trapezoids,
        the curve made non-decreasing)."""
        curve = np.maximum.accumulate(np.column_stack([self._paid_within(X, h) for h in CURVE_DAYS]), axis=1)
        unpaid = 1.0 - curve
        widths = np.diff(np.array(CURVE_DAYS, float))
        area = ((unpaid[:, 1:] + unpaid[:, :-1]) / 2.0 * widths).sum(axis=1)
        return np.asarray(area / HORIZON_DAYS)

    def rate(
        self, X: pd.DataFrame, channel: int, firm: bool, *, base: np.ndarray | None = None
    ) -> np.ndarray:
        """The share of items an action on ``channel`` in that tone gets paid within days."""
        base = self.p_untouched(X) if base is None else base
        slots = CELLS * len(GROUP_PRIOR)
        rates = np.array([self.rates_[(channel, bool(firm), slot)] for slot in range(slots)])
        return np.asarray(rates[_cells(X, base) * len(GROUP_PRIOR) + payment_group(X)])

    def describe(self) -> dict[str, Any]:
        return {
            "kind": "LightGBM payment curve without action x converted share per cell (shrunk to priors)",
            "touched_rows": {str(k): v for k, v in self.touched_rows_.items()},
            "converted_share": {
                f"{c}{'-firm' if f else ''}": round(v, 4) for (c, f), v in self.overall_.items()
            },
            "prior_response": {str(k): v for k, v in PRIOR_RESPONSE.items()},
            "group_factor": {GROUPS[g]: round(v, 3) for g, v in self.group_factor_.items()},
            "group_prior": {GROUPS[g]: v for g, v in GROUP_PRIOR.items()},
        }


#: Cells the converted share is learned in: whether the item is overdue yet x how likely it is to
#: be paid within the horizon anyway (under 25 %: a customer who has stopped paying answers little;
#: 25–75 %; over 75 %).
AGE_EDGES = (0.5,)
COMING_EDGES = (0.25, 0.75)
CELLS = 6


def _cells(X: pd.DataFrame, p_untouched: np.ndarray) -> np.ndarray:
    age = np.searchsorted(AGE_EDGES, X["days_past_due"].to_numpy(), side="right")
    coming = np.searchsorted(COMING_EDGES, p_untouched, side="right")
    return np.asarray(age * 3 + coming, np.int64)


#: Payment groups, a coarse segment from the customer's payment record (ADR 0023 has the full
#: segments): too little record, pays within 3 days of the due date, 3–20 days late, later.
GROUPS = ("new", "prompt", "late", "far_behind")
#: The documented prior of each group, as a multiple of its channel's prior: prompt payers answer
#: a reminder more often than habitual late payers, and those more than customers far behind, who
#: have often stopped paying for reasons a reminder does not touch. Assumptions, replaced by what a
#: company's own touches show as they accrue.
GROUP_PRIOR = {0: 1.0, 1: 1.25, 2: 1.0, 3: 0.5}
THIN_RECORD = 3  # fewer paid items than this and the customer is "new"


def payment_group(X: pd.DataFrame) -> np.ndarray:
    median = X["median_delay"].to_numpy()
    count = X["paid_count"].to_numpy()
    group = np.where(median <= 3, 1, np.where(median <= 20, 2, 3))
    return np.asarray(np.where(np.isnan(median) | (count < THIN_RECORD), 0, group), np.int64)
