"""The naive predictors of an invoice's delay: the rules the model must never do worse than.

Each is a point guess of the delay (days paid after the due date) from what was known at the end
of one day. ``backtest`` measures the model beside exactly these, and the model-or-baseline
choice (``choice``) picks among them and the model, so what is compared and what is chosen are
the same code:

- ``due_date``: paid on the due date (0 days).
- ``customer_median_delay``: the median delay of all the customer's invoices cleared by then;
  the book's median for a customer without any.
- ``customer_last_delay``: the delay of the customer's last payment; the book's median without.
- ``shrunk_median``: the customer's median pulled towards the book's median with
  ``SHRINK_PAYMENTS`` pseudo-payments (a customer with two payments is mostly the book).
- ``customer_recent_delay``: the median of the customer's last ``RECENT_PAYMENTS`` delays (it
  follows a change of habit sooner than the median of all, and is steadier than the last one);
  the book's median without any.
- ``customer_habit_delay``: the customer median, except for a customer whose payments show a weekly
  or month-end payment run (the day it means to pay, moved to its run) or a deteriorating trend
  (its Theil-Sen line at the due date): ``habit.run_delays``, point in time like the others.

For an invoice still open at some age (days past due), ``conditional`` gives the same kind of
rules given that it is unpaid at that age: the customer's delays above the age, and the book's
residual life (Kaplan-Meier over cleared and still-open invoices, up to a horizon the data sets,
as the delay given the invoice is paid).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dunwell.ml.habit import run_delays
from dunwell.ml.history import NEVER, InvoiceHistory
from dunwell.ml.prefix import EventIndex

NAIVE = (
    "due_date",
    "customer_median_delay",
    "customer_last_delay",
    "shrunk_median",
    "customer_recent_delay",
    "customer_habit_delay",
)
SHRINK_PAYMENTS = 3.0
#: ``customer_recent_delay`` is the median of the customer's last this many payments.
RECENT_PAYMENTS = 3
#: The horizon of a curve built without one (fit always measures it from the data).
HORIZON_DAYS = 180
#: The residual-life curve ends at the last delay paid while at least this many were at risk.
MIN_AT_RISK = 10


@dataclass(frozen=True)
class NaiveGuesses:
    """Per query: each naive guess of the delay, and how many payments the customer had by then."""

    guesses: dict[str, np.ndarray]
    paid_count: np.ndarray
    book_median: float


def naive_guesses(history: InvoiceHistory, rows: np.ndarray, known: np.ndarray) -> NaiveGuesses:
    """The naive guesses for invoices ``rows``, each from the book as known at the end of ``known``."""
    n = len(rows)
    out = {name: np.zeros(n) for name in NAIVE}
    count = np.zeros(n)
    book_median = 0.0
    for day in np.unique(known):
        at = known == day
        stats = _customer_stats(history, int(day))
        customer = history.customer[rows[at]]
        book_median = stats.book_median
        median = stats.median[customer]
        paid = stats.count[customer]
        out["customer_median_delay"][at] = np.where(np.isnan(median), book_median, median)
        last = stats.last[customer]
        out["customer_last_delay"][at] = np.where(np.isnan(last), book_median, last)
        recent = stats.recent[customer]
        out["customer_recent_delay"][at] = np.where(np.isnan(recent), book_median, recent)
        own = np.nan_to_num(median)
        out["shrunk_median"][at] = (paid * own + SHRINK_PAYMENTS * book_median) / (paid + SHRINK_PAYMENTS)
        count[at] = paid
    out["customer_habit_delay"] = _run_guesses(history, rows, known, out["customer_median_delay"])
    return NaiveGuesses(out, count, book_median)


def _run_guesses(
    history: InvoiceHistory, rows: np.ndarray, known: np.ndarray, median: np.ndarray
) -> np.ndarray:
    """``customer_habit_delay``: ``median`` (the customer median rule), moved to the customer's
    payment run or along its deteriorating trend where its payments known by then show one."""
    cleared = history.is_invoice & (history.paid < NEVER)
    delay = (history.paid[cleared] - history.due[cleared]).astype(np.float64)
    payments = EventIndex(
        history.customer[cleared], history.paid[cleared], {"paid": history.paid[cleared], "delay": delay}
    )
    return run_delays(payments, history.customer[rows], known, history.due[rows], median)


@dataclass(frozen=True)
class _CustomerStats:
    median: np.ndarray  # per customer code, NaN without payments
    last: np.ndarray
    count: np.ndarray
    book_median: float
    recent: np.ndarray  # the median of the last ``RECENT_PAYMENTS``


def _customer_stats(history: InvoiceHistory, known: int) -> _CustomerStats:
    cleared = history.is_invoice & (history.paid <= known)
    size = len(history.customer_names)
    median, last, count = np.full(size, np.nan), np.full(size, np.nan), np.zeros(size)
    recent = np.full(size, np.nan)
    if not cleared.any():
        return _CustomerStats(median, last, count, 0.0, recent)
    frame = pd.DataFrame(
        {
            "customer": history.customer[cleared],
            "paid": history.paid[cleared],
            "delay": (history.paid[cleared] - history.due[cleared]).astype(np.float64),
        }
    ).sort_values(["customer", "paid"], kind="stable")
    groups = frame.groupby("customer")["delay"]
    median[groups.median().index.to_numpy()] = groups.median().to_numpy()
    last[groups.last().index.to_numpy()] = groups.last().to_numpy()
    count[groups.size().index.to_numpy()] = groups.size().to_numpy()
    tail = frame.groupby("customer").tail(RECENT_PAYMENTS).groupby("customer")["delay"].median()
    recent[tail.index.to_numpy()] = tail.to_numpy()
    return _CustomerStats(median, last, count, float(np.median(frame["delay"])), recent)


@dataclass(frozen=True)
class ResidualLife:
    """The book's delay distribution as a Kaplan-Meier curve (JSON-friendly: lists and floats).

    ``survival[i]`` is P(delay > times[i]). Open invoices are censored at their age; none is taken
    as written off at a fixed age. The curve's horizon comes from the data: the last delay paid
    while at least ``MIN_AT_RISK`` invoices were still open at that age. What is still unpaid
    there (``plateau``) is the share never paid, and the quantiles are those of the delay *given
    that the invoice is paid* (a cure model): a date is what is predicted, the risk model gives
    the chance it never comes.
    """

    times: tuple[float, ...]
    survival: tuple[float, ...]
    plateau: float = 0.0  # S at the horizon: the share never paid
    horizon: float = float(HORIZON_DAYS)  # the last delay the curve knows

    @classmethod
    def fit(cls, history: InvoiceHistory, known: int) -> ResidualLife:
        issued = history.is_invoice & (history.issue <= known)
        paid, due = history.paid[issued], history.due[issued]
        observed = paid <= known
        duration = np.where(observed, paid - due, known - due).astype(np.float64)
        times, survival, at_risk = _kaplan_meier(duration, observed)
        if len(times) == 0:
            return cls((), ())
        reliable = np.flatnonzero(at_risk >= MIN_AT_RISK)
        last = int(reliable[-1]) if len(reliable) else len(times) - 1
        times, survival = times[: last + 1], survival[: last + 1]
        return cls(tuple(times.tolist()), tuple(survival.tolist()), float(survival[-1]), float(times[-1]))

    def _survival(self, t: np.ndarray) -> np.ndarray:
        """P(delay > t), flat at ``plateau`` past the horizon."""
        times, survival = np.asarray(self.times), np.asarray(self.survival)
        t = np.asarray(t, dtype=np.float64)
        if len(times) == 0:
            return np.where(t < 0, 1.0, 0.0)
        at = np.searchsorted(times, t, side="right") - 1
        return np.asarray(np.where(at >= 0, survival[np.maximum(at, 0)], 1.0), dtype=np.float64)

    def paid_survival(self, t: np.ndarray) -> np.ndarray:
        """P(delay > t | paid): zero from the horizon on."""
        share = (self._survival(t) - self.plateau) / max(1 - self.plateau, 1e-12)
        return np.asarray(np.clip(share, 0.0, 1.0), dtype=np.float64)

    def paid_share(self, t: np.ndarray) -> np.ndarray:
        """P(paid | delay > t): the share of invoices open at ``t`` days past due that are paid."""
        s = self._survival(t)
        return np.asarray(np.where(s > 0, np.clip((s - self.plateau) / np.where(s > 0, s, 1.0), 0, 1), 0.0))

    def quantiles(self, age: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
        """(n, levels): the delay quantiles given the delay is above ``age`` (>= age + 1) and the
        invoice is paid. Past the horizon nothing is known: a band as wide as the horizon."""
        age = np.asarray(age, dtype=np.float64)
        times, survival = np.asarray(self.times), np.asarray(self.survival)
        result = np.empty((len(age), len(levels)))
        if len(times) == 0:
            result[:] = age[:, None] + 1 + np.arange(len(levels))
            return result
        # S(age): survival just after ``age`` (the curve is a step function over ``times``).
        at = np.searchsorted(times, age, side="right") - 1
        start = np.where(at >= 0, survival[np.maximum(at, 0)], 1.0) - self.plateau
        after = np.searchsorted(times, age, side="right")  # the first time after ``age``
        for j, level in enumerate(levels):
            target = self.plateau + start * (1 - level)
            # The survival curve never rises: the first time it falls to the target, after ``age``.
            reached = np.searchsorted(-survival, -target - 1e-12, side="left")
            first = np.minimum(np.maximum(reached, after), len(times) - 1)
            beyond = age + 1 + level * max(self.horizon, 1.0)
            result[:, j] = np.where((start > 1e-9) & (after < len(times)), times[first], beyond)
        return np.asarray(np.maximum(result, age[:, None] + 1), dtype=np.float64)


def _kaplan_meier(duration: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event times, the survival just after each, and how many were at risk at each."""
    if len(duration) == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    times = np.unique(duration[observed])
    order = np.sort(duration)
    at_risk = len(order) - np.searchsorted(order, times, side="left")
    events = np.bincount(np.searchsorted(times, duration[observed]), minlength=len(times))
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(at_risk > 0, 1 - events / at_risk, 1.0)
    return times, np.cumprod(factor), at_risk


def conditional_guesses(
    history: InvoiceHistory, rows: np.ndarray, age: np.ndarray, known: int, life: ResidualLife
) -> dict[str, np.ndarray]:
    """Naive guesses of the delay of invoices open at ``age`` days past due, as known on ``known``.

    - ``next_day``: paid tomorrow (what clipping an unconditional guess gives);
    - ``customer_delays_above_age``: the median of the customer's delays above the age (at least
      three of them), else the book's residual life;
    - ``book_residual_life``: the book's median delay given it is above the age.
    """
    book = life.quantiles(age, (0.5,))[:, 0]
    cleared = history.is_invoice & (history.paid <= known)
    customer_of = history.customer[cleared]
    delays = (history.paid[cleared] - history.due[cleared]).astype(np.float64)
    order = np.argsort(customer_of, kind="stable")
    customer_sorted, delays_sorted = customer_of[order], delays[order]
    own = np.full(len(rows), np.nan)
    for i, (customer, a) in enumerate(zip(history.customer[rows], age, strict=True)):
        lo, hi = np.searchsorted(customer_sorted, [customer, customer + 1])
        above = delays_sorted[lo:hi]
        above = above[above > a]
        if len(above) >= 3:
            own[i] = float(np.median(above))
    return {
        "next_day": np.asarray(age, dtype=np.float64) + 1,
        "customer_delays_above_age": np.where(np.isnan(own), book, own),
        "book_residual_life": book,
    }
