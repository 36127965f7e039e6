"""Customers billed once a month, and the invoices they will be sent next (issue 19, ADR 0034).

Subscriptions, monthly service fees and monthly statements are billed on (nearly) the same day
every month for the same kind of amount. A run-rate spreads that billing evenly over the days, as
if a tenth of the book's subscribers were billed every three days: a forecast of the cash of the
next 30 days then misses where the billing days fall, and every week's cash is smeared. Here a
customer whose last ``MIN_RUN`` invoices came one month apart (``MONTHLY_GAP`` days) is a monthly
biller: its next invoices are scheduled on the same day of the following months, for the median of
those amounts, and the rest of the book keeps its run-rate.

A monthly biller stops (a subscription is cancelled, a customer leaves): the chance that it bills
its next month (``keep``) is measured on the book's own past, on the billers found at weekly
anchors of the year before the origin whose next invoice was due by the origin; in a draw, a
biller kept for ``k`` months bills its ``k`` next invoices and no more (once it stops, it stays
stopped). A biller whose next invoice is more than ``GRACE_DAYS`` overdue at the origin has stopped
already: it is scheduled nothing and its past billing leaves the run-rate too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.new_billing import collection_matrix

#: Days between consecutive invoices of a monthly biller (a calendar month, give or take a few
#: days of billing runs moved by weekends), over at least ``MIN_RUN`` invoices in a row.
MONTHLY_GAP = (26, 35)
MIN_RUN = 3
#: An invoice this many days later than the schedule still counts as the month's invoice.
GRACE_DAYS = 3
#: Past anchors for ``keep``: weekly over the year before the origin.
KEEP_LOOKBACK_DAYS = 364
#: ``keep`` leans on this prior (a biller bills its next month) with this many billers' weight,
#: so that a book with few billers does not read a certain stop from one cancellation.
KEEP_PRIOR, KEEP_PRIOR_WEIGHT = 0.95, 20.0
_DAYS = 1 << 24  # day numbers are below this: (customer, day) in one sortable key


@dataclass(frozen=True, slots=True)
class MonthlyBillers:
    """The monthly billers found at a cutoff day, and the customers that were but have stopped."""

    customer: NDArray[np.int64]  # billing still
    last_issue: NDArray[np.int64]  # day number of each one's last invoice
    day_of_month: NDArray[np.int64]  # the day of the month it is billed (1..31)
    amount: NDArray[np.float64]  # the median of its last ``MIN_RUN`` invoices, minor units
    stopped: NDArray[np.int64]  # monthly billers whose next invoice is overdue at the cutoff


@dataclass(frozen=True, slots=True)
class RecurringSchedule:
    """The monthly billers' invoices expected in days 1..H after the origin."""

    day: NDArray[np.int64]  # days after the origin, 1..H
    amount: NDArray[np.float64]  # minor units
    biller: NDArray[np.int64]  # index into the billers (0..n_billers-1)
    nth: NDArray[np.int64]  # 1 for a biller's next invoice, 2 for the one after, ...
    n_billers: int
    keep: float  # the chance a biller bills its next month

    @property
    def expected_minor(self) -> float:
        return float((self.amount * self.keep ** self.nth.astype(np.float64)).sum())


def monthly_billers(
    customer: NDArray[np.int64], issue: NDArray[np.int64], amount: NDArray[np.int64], cutoff: int
) -> MonthlyBillers:
    """The monthly billers among the invoices issued by the end of ``cutoff`` (``amount`` > 0)."""
    return _SortedBook.of(customer, issue, amount).billers_at(cutoff)


@dataclass(frozen=True, slots=True)
class _SortedBook:
    """The invoices sorted by (customer, issue day) once, for the billers at many cutoffs."""

    key: NDArray[np.int64]  # customer * _DAYS + issue day, sorted
    amount: NDArray[np.float64]
    customers: NDArray[np.int64]  # each customer once

    @classmethod
    def of(
        cls, customer: NDArray[np.int64], issue: NDArray[np.int64], amount: NDArray[np.int64]
    ) -> _SortedBook:
        key = customer.astype(np.int64) * _DAYS + issue
        order = np.argsort(key, kind="stable")
        return cls(key[order], amount[order].astype(np.float64), np.unique(customer).astype(np.int64))

    def billers_at(self, cutoff: int) -> MonthlyBillers:
        key = self.key
        if not len(key):
            empty = np.zeros(0, dtype=np.int64)
            return MonthlyBillers(empty, empty, empty, np.zeros(0), empty)
        # Each customer's last invoice by the cutoff and the MIN_RUN - 1 before it.
        ends = np.searchsorted(key, self.customers * _DAYS + cutoff, side="right") - 1
        # A customer with nothing issued by the cutoff lands on the one before it: not its own.
        ends = ends[(ends >= MIN_RUN - 1) & (key[np.maximum(ends, 0)] // _DAYS == self.customers)]
        run = ends[:, None] - np.arange(MIN_RUN)[::-1]  # positions, oldest first
        owner = key[ends] // _DAYS
        same = (key[run] // _DAYS == owner[:, None]).all(axis=1)
        days = key[run] % _DAYS
        gaps = np.diff(days, axis=1)
        monthly = same & ((gaps >= MONTHLY_GAP[0]) & (gaps <= MONTHLY_GAP[1])).all(axis=1)
        run, days, owner = run[monthly], days[monthly], owner[monthly]
        last = days[:, -1]
        dom = _day_of_month(days).max(axis=1)
        billing = _months_later(last, dom, 1) + GRACE_DAYS >= cutoff
        return MonthlyBillers(
            customer=owner[billing].astype(np.int64),
            last_issue=last[billing].astype(np.int64),
            day_of_month=dom[billing].astype(np.int64),
            amount=np.median(self.amount[run], axis=1)[billing] if len(run) else np.zeros(0),
            stopped=owner[~billing].astype(np.int64),
        )


def schedule(billers: MonthlyBillers, *, origin: int, horizon_days: int, keep: float) -> RecurringSchedule:
    """Each biller's next invoices on its day of the month, within days 1..``horizon_days``; one
    due within ``GRACE_DAYS`` before the origin and not sent yet is expected on the first day."""
    months = horizon_days // 28 + 2
    days = np.stack(
        [_months_later(billers.last_issue, billers.day_of_month, k) for k in range(1, months + 1)], axis=1
    )
    days = np.maximum(days, origin + 1) - origin if len(days) else np.zeros((0, months), dtype=np.int64)
    inside = days <= horizon_days
    biller = np.broadcast_to(np.arange(len(billers.customer))[:, None], days.shape)
    nth = np.broadcast_to(np.arange(1, months + 1)[None, :], days.shape)
    amount = np.broadcast_to(billers.amount[:, None], days.shape)
    return RecurringSchedule(
        day=days[inside].astype(np.int64),
        amount=amount[inside].astype(np.float64),
        biller=biller[inside].astype(np.int64),
        nth=nth[inside].astype(np.int64),
        n_billers=len(billers.customer),
        keep=keep,
    )


def keep_rate(
    customer: NDArray[np.int64], issue: NDArray[np.int64], amount: NDArray[np.int64], origin: int
) -> float:
    """The share of monthly billers that sent their next invoice, at weekly anchors of the year
    before the origin whose next invoice was due (with its grace) by the origin."""
    kept, seen = 0.0, 0.0
    book = _SortedBook.of(customer, issue, amount)
    key = book.key
    latest = origin - MONTHLY_GAP[1] - GRACE_DAYS
    for anchor in range(latest, latest - KEEP_LOOKBACK_DAYS, -7):
        found = book.billers_at(anchor)
        if not len(found.customer):
            continue
        due = np.maximum(_months_later(found.last_issue, found.day_of_month, 1), anchor + 1)
        ready = due + GRACE_DAYS <= origin
        after = np.searchsorted(key, found.customer * _DAYS + anchor, side="right")
        next_key = key[np.minimum(after, len(key) - 1)]
        sent = (after < len(key)) & (next_key <= found.customer * _DAYS + due + GRACE_DAYS)
        kept += float((sent & ready).sum())
        seen += float(ready.sum())
    return (kept + KEEP_PRIOR * KEEP_PRIOR_WEIGHT) / (seen + KEEP_PRIOR_WEIGHT)


def simulate_recurring(
    plan: RecurringSchedule, pmf: NDArray[np.float64], *, horizon_days: int, draws: int, seed: int
) -> NDArray[np.int64]:
    """Cash per day for days 1..``horizon_days`` from the scheduled invoices, each collected along
    ``pmf`` (share paid ``k`` days after issue): ``[draws, horizon]``."""
    billed = np.zeros((draws, horizon_days))
    if len(plan.day) and draws:
        rng = np.random.default_rng(seed)
        stays = rng.random((draws, plan.n_billers))
        sent = stays[:, plan.biller] < plan.keep ** plan.nth.astype(np.float64)
        cells = np.arange(draws)[:, None] * horizon_days + (plan.day - 1)[None, :]
        summed = np.bincount(
            cells[sent],
            weights=np.broadcast_to(plan.amount, sent.shape)[sent],
            minlength=draws * horizon_days,
        )
        billed = np.asarray(summed, dtype=np.float64).reshape(draws, horizon_days)
    return np.asarray(np.rint(billed @ collection_matrix(pmf, horizon_days)), dtype=np.int64)


def _day_of_month(days: NDArray[np.int64]) -> NDArray[np.int64]:
    stamps = days.astype("datetime64[D]")
    return np.asarray((stamps - stamps.astype("datetime64[M]")).astype(np.int64) + 1, dtype=np.int64)


def _months_later(days: NDArray[np.int64], day_of_month: NDArray[np.int64], months: int) -> NDArray[np.int64]:
    """The day ``months`` calendar months after each of ``days``, on ``day_of_month`` (or the
    month's last day when it is shorter)."""
    month = days.astype("datetime64[D]").astype("datetime64[M]") + months
    length = ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    first = month.astype("datetime64[D]").astype(np.int64)
    return np.asarray(first + np.minimum(day_of_month, length) - 1, dtype=np.int64)
