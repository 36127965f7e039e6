"""The cash one currency's book brings in after an origin, simulated from what was known then
(issue 19, ADR 0033): shared by the file backtest (``forecast_backtest``) and the stored book's
forecast (``dunwell.forecasting``), so that what is measured is what is shown.

Every invoice open at the end of the origin day gets its P10/P50/P90 payment days from the payment
predictor (given its age when it is overdue) and a chance of never being paid; the open book is
simulated jointly (``forecast.joint``) beside the cash of invoices not issued yet
(``forecast.new_billing``, the trailing run-rate collected along the book's own pattern).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.joint import OpenBook, simulate_daily
from dunwell.forecast.new_billing import BillingPattern, billing_pattern, simulate_new_billing
from dunwell.ml.features import Queries
from dunwell.ml.history import NEVER, InvoiceHistory
from dunwell.ml.predictor import PaymentPredictor

#: Past-due ages from which an invoice may never be paid, and the fewest reference invoices
#: that make a bucket's rate (else the pooled rate of every age past the first bucket).
NEVER_BUCKETS = (90, 180, 365)
MIN_REFERENCE = 30


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
            p_never=never_paid(history, ours, origin, open_rows, horizon),
            customer=dense.astype(np.int64),
        )
        book_cash = simulate_daily(book, horizon_days=horizon, draws=draws, rho=rho, seed=seed + origin)
    else:
        empty_f, empty_i = np.zeros(0), np.zeros(0, dtype=np.int64)
        book = OpenBook(empty_i, empty_f, empty_f, empty_f, empty_f, empty_i)
        book_cash = np.zeros((draws, horizon), dtype=np.int64)
    pattern = billing_pattern(history.issue[ours], known_paid(history, ours, origin), minor[ours],
                              origin=origin, horizon_days=horizon)  # fmt: skip
    new_cash = simulate_new_billing(pattern, horizon_days=horizon, draws=draws, seed=seed + origin + 1)
    return CashIn(open_rows, book, pattern, book_cash, new_cash)


def known_paid(history: InvoiceHistory, rows: NDArray[np.bool_], origin: int) -> NDArray[np.int64]:
    """The paid day of ``rows`` as known at the end of ``origin`` (later payments unknown)."""
    paid = history.paid[rows]
    return np.where(paid <= origin, paid, NEVER)


def never_paid(
    history: InvoiceHistory, ours: NDArray[np.bool_], origin: int, open_rows: NDArray[np.int64], horizon: int
) -> NDArray[np.float64]:
    """Per open invoice, the chance it is not paid within the horizon at all, for invoices at least
    ``NEVER_BUCKETS[0]`` days past due: among invoices known to have been unpaid at the same age
    with a full horizon observed after it, the share still unpaid at its end (as known at origin)."""
    age = origin - history.due[open_rows]
    result = np.zeros(len(open_rows))
    edges = [*NEVER_BUCKETS, 10**9]
    known = np.where(history.paid <= origin, history.paid, NEVER)
    pooled = _unpaid_share(history, ours, known, NEVER_BUCKETS[0], origin, horizon)
    for low, high in itertools.pairwise(edges):
        inside = (age >= low) & (age < high)
        if not inside.any():
            continue
        share = _unpaid_share(history, ours, known, low, origin, horizon)
        result[inside] = share if share is not None else (pooled or 0.0)
    return result


def _unpaid_share(
    history: InvoiceHistory,
    ours: NDArray[np.bool_],
    known: NDArray[np.int64],
    age: int,
    origin: int,
    horizon: int,
) -> float | None:
    reached = history.due + age
    reference = ours & (reached + horizon <= origin) & (known > reached)
    if reference.sum() < MIN_REFERENCE:
        return None
    return float((known[reference] > reached[reference] + horizon).mean())
