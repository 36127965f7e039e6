"""The cash one currency's book brings in after an origin, simulated from what was known then
(issue 19, ADR 0033): shared by the file backtest (``forecast_backtest``) and the stored book's
forecast (``dunwell.forecasting``), so that what is measured is what is shown.

Every invoice open at the end of the origin day gets its P10/P50/P90 payment days from the payment
predictor (given its age when it is overdue) and a chance of never being paid; the open book is
simulated jointly (``forecast.joint``) beside the cash of invoices not issued yet: the next
invoices of customers billed monthly on their days (``forecast.recurring``), and the trailing
run-rate of the rest of the book (``forecast.new_billing``), each collected along its own
customers' issue-to-payment pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.joint import OpenBook, simulate_daily
from dunwell.forecast.new_billing import BillingPattern, billing_pattern, simulate_new_billing
from dunwell.forecast.quantile_curve import level_at
from dunwell.forecast.recurring import keep_rate, monthly_billers, schedule, simulate_recurring
from dunwell.forecast.rho import FALLBACK_RHO, pair_correlation
from dunwell.ml.features import Queries
from dunwell.ml.history import NEVER, InvoiceHistory
from dunwell.ml.predictor import PaymentPredictor

#: The unpaid chance of invoices past due (``never_paid``): the open past-due invoices of the
#: year before the origin, looked at weekly and followed until paid or the origin; grouped by days
#: past due and days since the customer last paid (band starts, in months: not fitted to a book).
SNAPSHOT_DAYS = 7
LOOKBACK_DAYS = 364
AGE_BANDS = (0, 31, 61, 91, 181)
SILENCE_BANDS = (0, 31, 61, 91)
#: Follow-up days (band starts) over which the daily payment rate is pooled: narrow early, where
#: most overdue invoices are paid; and the exposure (invoice-days) with which a group leans on
#: the larger group around it.
FOLLOW_BANDS = (1, 8, 15, 31, 61)
PRIOR_DAYS = 300.0
#: Settled invoices issued this long before the origin measure ``rho`` (a year: recent habits).
RHO_LOOKBACK_DAYS = 365
_DAYS = 1 << 24  # day numbers are below this: (customer, day) in one sortable key


@dataclass(frozen=True, slots=True)
class CashIn:
    """One origin's simulated cash for one currency (and, when asked, one group of rows)."""

    open_rows: NDArray[np.int64]  # history positions of the invoices open at the origin
    book: OpenBook  # their amounts, quantiles (days after the origin), never-paid chances
    pattern: BillingPattern  # the run-rate and collection pattern of invoices not issued yet
    book_cash: NDArray[np.int64]  # [draws, horizon]: cash per day from the open book
    new_cash: NDArray[np.int64]  # [draws, horizon]: cash per day from invoices issued later

    @property
    def cash(self) -> NDArray[np.int64]:
        return np.asarray(self.book_cash + self.new_cash, dtype=np.int64)


def cash_in_at(
    history: InvoiceHistory,
    minor: NDArray[np.int64],
    currency: int,
    predictor: PaymentPredictor,
    origin: int,
    *,
    horizon: int,
    draws: int,
    rho: float,
    seed: int,
    open_minor: NDArray[np.int64] | None = None,
    rows: NDArray[np.bool_] | None = None,
) -> CashIn:
    """``minor``: each row's billed amount; ``open_minor``: what was still open of it at the
    origin (part payments), else the billed amount; ``rows``: only these rows (a segment or an
    entity), else the whole book of the currency."""
    ours = (history.currency == currency) & history.is_invoice & (minor > 0)
    if rows is not None:
        ours &= rows
    open_amounts = minor if open_minor is None else open_minor
    is_open = (history.issue <= origin) & (history.paid > origin) & (open_amounts > 0)
    open_rows = np.flatnonzero(ours & is_open)
    if len(open_rows):
        queries = Queries(open_rows, np.full(len(open_rows), origin), np.full(len(open_rows), origin))
        predicted = predictor.predict(history, queries, explain=False)
        # Days after the origin at each quantile (the predictor gives days after the due date).
        offsets = (history.due[open_rows] - origin)[:, None] + predicted.delay
        _, dense = np.unique(history.customer[open_rows], return_inverse=True)
        book = OpenBook(
            amount_minor=open_amounts[open_rows].astype(np.int64),
            p10=offsets[:, 0].astype(np.float64),
            p50=offsets[:, 1].astype(np.float64),
            p90=offsets[:, 2].astype(np.float64),
            p_never=_never_given(offsets, never_paid(history, ours, origin, open_rows, horizon), horizon),
            customer=dense.astype(np.int64),
        )
        book_cash = simulate_daily(book, horizon_days=horizon, draws=draws, rho=rho, seed=seed + origin)
    else:
        empty_f, empty_i = np.zeros(0), np.zeros(0, dtype=np.int64)
        book = OpenBook(empty_i, empty_f, empty_f, empty_f, empty_f, empty_i)
        book_cash = np.zeros((draws, horizon), dtype=np.int64)
    pattern = billing_pattern(history.issue[ours], known_paid(history, ours, origin), minor[ours],
                              origin=origin, horizon_days=horizon)  # fmt: skip
    new_cash = new_billing_cash(
        history, minor, ours, origin, horizon=horizon, draws=draws, seed=seed + origin + 1
    )
    return CashIn(open_rows, book, pattern, book_cash, new_cash)


def new_billing_cash(
    history: InvoiceHistory,
    minor: NDArray[np.int64],
    ours: NDArray[np.bool_],
    origin: int,
    *,
    horizon: int,
    draws: int,
    seed: int,
) -> NDArray[np.int64]:
    """The cash of invoices not issued yet: the monthly billers' next invoices on their days
    (``forecast.recurring``), the rest of the book at its run-rate; each part collected along its
    own customers' issue-to-payment pattern."""
    customer, issue = history.customer[ours].astype(np.int64), history.issue[ours]
    billers = monthly_billers(customer, issue, minor[ours], origin)
    monthly = np.isin(customer, billers.customer)
    others = ~monthly & ~np.isin(customer, billers.stopped)
    paid = known_paid(history, ours, origin)
    rest = billing_pattern(
        issue[others], paid[others], minor[ours][others], origin=origin, horizon_days=horizon
    )
    cash = simulate_new_billing(rest, horizon_days=horizon, draws=draws, seed=seed)
    if len(billers.customer):
        own = billing_pattern(
            issue[monthly], paid[monthly], minor[ours][monthly], origin=origin, horizon_days=horizon
        )
        pmf = (
            own.pmf
            if own.pmf.any()
            else billing_pattern(issue, paid, minor[ours], origin=origin, horizon_days=horizon).pmf
        )
        plan = schedule(
            billers, origin=origin, horizon_days=horizon, keep=keep_rate(customer, issue, minor[ours], origin)
        )
        cash = cash + simulate_recurring(plan, pmf, horizon_days=horizon, draws=draws, seed=seed + 1)
    return np.asarray(cash, dtype=np.int64)


def _never_given(
    offsets: NDArray[np.float64], unpaid: NDArray[np.float64], horizon: int
) -> NDArray[np.float64]:
    """The never-paid chance that, with the predictor's timing, pays ``1 - unpaid`` within the
    horizon: the predictor learns from invoices that were paid, so past the due date its curve
    is too quick for a book with bad debt; the life table's share paid corrects the total (never
    upwards: a curve slower than the table keeps its own), the predictor keeps the timing."""
    within = level_at(offsets[:, 0], offsets[:, 1], offsets[:, 2], float(horizon))
    share = np.divide(1.0 - unpaid, within, out=np.ones_like(within), where=within > 0)
    return np.asarray(np.clip(1.0 - share, 0.0, 1.0), dtype=np.float64)


def known_paid(history: InvoiceHistory, rows: NDArray[np.bool_], origin: int) -> NDArray[np.int64]:
    """The paid day of ``rows`` as known at the end of ``origin`` (later payments unknown)."""
    paid = history.paid[rows]
    return np.where(paid <= origin, paid, NEVER)


def never_paid(
    history: InvoiceHistory, ours: NDArray[np.bool_], origin: int, open_rows: NDArray[np.int64], horizon: int
) -> NDArray[np.float64]:
    """Per open invoice, the chance it is still unpaid ``horizon`` days after the origin, for
    invoices past due (0 for the others: the predictor's quantiles carry their timing).

    From the book's own past as known at the origin: every ``SNAPSHOT_DAYS`` over the
    ``LOOKBACK_DAYS`` before it, each invoice then open past due is followed until it was paid or
    until the origin (censored: the invoices still unpaid weigh in, so the rate is not that of the
    payers only), grouped by its days past due and the days since its customer last paid. A
    customer that has stopped paying is the usual sign of bad debt, and an invoice's own age alone
    averages it with the late payers that do pay; the book's history says how much either matters.
    """
    known = np.where(ours & (history.paid <= origin), history.paid, NEVER)
    looks = range(origin - SNAPSHOT_DAYS, origin - LOOKBACK_DAYS - 1, -SNAPSHOT_DAYS)
    rows, days = [], []
    for day in looks:
        seen = np.flatnonzero(ours & (history.issue <= day) & (history.due <= day) & (known > day))
        rows.append(seen)
        days.append(np.full(len(seen), day))
    looked, at = (
        np.concatenate([np.zeros(0, np.int64), *rows]),
        np.concatenate([np.zeros(0, np.int64), *days]),
    )
    groups = _group(history, ours, known, looked, at)
    follow = np.minimum(known[looked], origin) - at
    table = _life_table(follow, known[looked] <= origin, groups, horizon)
    age = origin - history.due[open_rows]
    result = np.zeros(len(open_rows))
    overdue = age >= 0
    if overdue.any():
        mine = _group(history, ours, known, open_rows[overdue], np.full(int(overdue.sum()), origin))
        result[overdue] = table[mine]
    return result


def _group(
    history: InvoiceHistory,
    ours: NDArray[np.bool_],
    known: NDArray[np.int64],
    rows: NDArray[np.int64],
    day: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Each (invoice, day)'s group: its band of days past due x its customer's band of days since
    a payment (or since its first invoice, for a customer that never paid)."""
    paid = ours & (known < NEVER)
    key = history.customer[paid].astype(np.int64) * _DAYS + known[paid]
    order = np.sort(key)
    customer = history.customer[rows].astype(np.int64)
    found = np.searchsorted(order, customer * _DAYS + day, side="right") - 1
    hit = (found >= 0) & (order[np.maximum(found, 0)] // _DAYS == customer)
    first = np.full(len(history.customer_names), NEVER, dtype=np.int64)
    np.minimum.at(first, history.customer[ours], history.issue[ours])
    last = np.where(hit, order[np.maximum(found, 0)] % _DAYS, first[customer])
    age_band = np.searchsorted(AGE_BANDS, day - history.due[rows], side="right") - 1
    quiet_band = np.searchsorted(SILENCE_BANDS, day - last, side="right") - 1
    return np.asarray(
        np.maximum(age_band, 0) * len(SILENCE_BANDS) + np.maximum(quiet_band, 0), dtype=np.int64
    )


def _life_table(
    follow: NDArray[np.int64], paid: NDArray[np.bool_], groups: NDArray[np.int64], horizon: int
) -> NDArray[np.float64]:
    """Per group, P(still unpaid after ``horizon`` days of follow-up): a daily payment rate per
    ``FOLLOW_BANDS`` band; a group's rate leans on its age band's, and that on the book's, with
    ``PRIOR_DAYS`` of exposure (a group seen on few invoices keeps close to its neighbours)."""
    edges = np.asarray([*FOLLOW_BANDS, horizon + 1])
    edges = edges[edges <= horizon + 1]
    n_groups = len(AGE_BANDS) * len(SILENCE_BANDS)

    def counts(where: NDArray[np.bool_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        low, high = edges[:-1, None], edges[1:, None]
        exposure = np.clip(np.minimum(follow[where], high - 1) - low + 1, 0, None).sum(axis=1)
        events = (paid[where] & (follow[where] >= low) & (follow[where] < high)).sum(axis=1)
        return exposure.astype(np.float64), events.astype(np.float64)

    exposure, events = counts(np.ones(len(follow), dtype=bool))
    book = np.divide(events, exposure, out=np.zeros_like(events), where=exposure > 0)
    rates = np.empty((n_groups, len(edges) - 1))
    for band in range(len(AGE_BANDS)):
        inside = groups // len(SILENCE_BANDS) == band
        exposure, events = counts(inside)
        by_age = (events + PRIOR_DAYS * book) / (exposure + PRIOR_DAYS)
        for quiet in range(len(SILENCE_BANDS)):
            exposure, events = counts(groups == band * len(SILENCE_BANDS) + quiet)
            rates[band * len(SILENCE_BANDS) + quiet] = (events + PRIOR_DAYS * by_age) / (
                exposure + PRIOR_DAYS
            )
    width = np.diff(edges).astype(np.float64)
    return np.asarray(np.exp((np.log1p(-np.minimum(rates, 1 - 1e-12)) * width).sum(axis=1)), dtype=np.float64)


def estimate_rho(
    history: InvoiceHistory, rows_mask: NDArray[np.bool_], origin: int, *, fallback: float = FALLBACK_RHO
) -> float:
    """The copula's ``rho`` for the invoices of ``rows_mask`` at the end of ``origin``: the
    correlation of a customer's invoices' payment delays (``forecast.rho``) over those issued in
    the ``RHO_LOOKBACK_DAYS`` before it and paid by it; ``FALLBACK_RHO`` with too few of them."""
    recent = history.issue > origin - RHO_LOOKBACK_DAYS
    settled = rows_mask & history.is_invoice & recent & (history.paid <= origin)
    return pair_correlation(
        history.customer[settled].astype(np.int64),
        history.due[settled].astype(np.int64),
        (history.paid - history.due)[settled].astype(np.int64),
        fallback=fallback,
    )
