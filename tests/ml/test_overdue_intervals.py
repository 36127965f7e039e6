"""Overdue invoices on heavy-tailed books: the interval given the age covers what it says (ADR 0016).

A residual-life curve that takes every invoice open 180 days as written off cannot put a P90 past
180 days, so on a book where a share is paid 100-400 days late most outcomes fell above the P90.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from dunwell.ml.features import Queries
from dunwell.ml.history import NEVER, InvoiceHistory, day_number
from dunwell.ml.naive import ResidualLife
from dunwell.ml.predictor import PaymentPredictor, coverage_at, interval_scale

START = date(2021, 1, 1)
CUTOFF = date(2023, 7, 1)
EXTRACT = CUTOFF + timedelta(days=420)


def heavy_tailed_book(seed: int = 5, customers: int = 500) -> InvoiceHistory:
    """Customers invoiced every ~2 months: most pay within weeks, 15 % of invoices are paid
    100-400 days late and 8 % never; the book is extracted 420 days after the cutoff."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    for c in range(customers):
        level = rng.uniform(-5, 30)
        day = START + timedelta(days=int(rng.integers(0, 60)))
        while day < CUTOFF + timedelta(days=60):
            due = day + timedelta(days=30)
            u = rng.random()
            if u < 0.08:
                paid = None
            else:
                late = rng.uniform(100, 400) if u < 0.23 else level + rng.standard_t(3) * 4
                paid = max(day, due + timedelta(days=round(late)))
                paid = None if paid > EXTRACT else paid
            rows.append({"invoice_id": f"I{len(rows):06d}", "customer_id": f"C{c:04d}", "currency": "EUR",
                         "amount": 100.0, "issue_date": day, "due_date": due, "paid_date": paid})  # fmt: skip
            day += timedelta(days=int(rng.integers(45, 75)))
    return InvoiceHistory.from_frame(pd.DataFrame(rows))


@pytest.fixture(scope="module")
def book() -> InvoiceHistory:
    return heavy_tailed_book()


def test_the_residual_life_horizon_comes_from_the_data_not_a_constant(book: InvoiceHistory) -> None:
    life = ResidualLife.fit(book, day_number(CUTOFF))

    assert life.horizon > 300  # payments 100-400 days late are in the curve
    assert 0.02 < life.plateau < 0.2  # what is never paid is not taken as paid at some age
    band = life.quantiles(np.array([90.0]), (0.1, 0.5, 0.9))[0]
    assert band[0] >= 91
    assert band[0] < band[1] < band[2]
    assert band[2] > 300  # given unpaid at 90 days (and paid), mostly paid 100-400 days late


def test_overdue_intervals_on_a_heavy_tailed_book_cover_held_out_outcomes(book: InvoiceHistory) -> None:
    known = day_number(CUTOFF)
    predictor = PaymentPredictor(n_estimators=60, n_jobs=1, random_state=0).fit(book, known_until=known)
    open_overdue = book.is_invoice & (book.issue <= known) & (book.due < known) & (book.paid > known)
    rows = np.flatnonzero(open_overdue)
    day = np.full(len(rows), known)

    predictions = predictor.predict(book, Queries(rows=rows, as_of=day, known=day), explain=False)

    dates = predictions.dates
    assert np.all(np.diff(dates, axis=1) >= 1)  # P10 < P50 < P90 in whole days
    assert np.all(dates[:, 0] > known)  # open at the end of the day: paid after it, never before
    paid = book.paid[rows] < NEVER
    actual = book.paid[rows][paid]
    assert paid.sum() > 100
    covered = np.mean((actual >= dates[paid, 0]) & (actual <= dates[paid, 2]))
    assert covered >= 0.7
    assert predictor.choice_ is not None
    assert predictor.choice_.overdue is not None
    assert predictor.choice_.overdue.interval_coverage is not None


def test_coverage_of_an_invoice_still_open_is_censoring_aware() -> None:
    life = ResidualLife(times=(10.0, 20.0, 30.0, 40.0), survival=(0.75, 0.5, 0.25, 0.1), plateau=0.1,
                        horizon=40.0)  # fmt: skip
    shown = np.array([[11.0, 20.0, 30.0], [11.0, 20.0, 30.0], [11.0, 20.0, 30.0]])
    age = np.array([10.0, 10.0, 10.0])
    actual = np.array([25.0, np.nan, np.nan])  # paid inside; open, known to be >= 35; open, >= 15
    lower = np.array([0.0, 35.0, 15.0])

    coverage, n_eff = coverage_at(shown, age, actual, lower, life)

    # The first counts fully; the second not at all (its P90 is below what it is known to be at
    # least); the third with the share of paid invoices open at 15 days whose delay is <= 30:
    # P(paid | > 14) = (0.75 - 0.1) / 0.75, P(15 <= T <= 30 | T >= 15, paid) = (0.65 - 0.15) / 0.65.
    # Each open invoice weighs the chance it is paid at all: the second (0.25 - 0.1) / 0.25.
    w2, w3 = 0.15 / 0.25, 0.65 / 0.75
    expected = (1 + 0 + w3 * (0.5 / 0.65)) / (1 + w2 + w3)
    assert coverage(1.0) == pytest.approx(expected)
    assert 1 < n_eff < 3
    assert coverage(3.0) > coverage(1.0)  # wider: covers more


def test_the_interval_scale_moves_only_beyond_sampling_noise() -> None:
    rng = np.random.default_rng(0)
    life = ResidualLife(times=tuple(float(t) for t in range(1, 200)),
                        survival=tuple(float(s) for s in np.linspace(0.99, 0.0, 199)))  # fmt: skip
    n = 200
    age = np.full(n, 5.0)
    actual = rng.uniform(10, 190, n)
    narrow = np.column_stack([np.full(n, 90.0), np.full(n, 100.0), np.full(n, 110.0)])
    lower = np.full(n, 0.0)

    scale, coverage = interval_scale(narrow, age, actual, lower, life)
    assert scale > 5  # far too narrow: widened ...
    assert coverage is not None
    assert coverage >= 0.8  # ... until it covers 80 %

    few = slice(0, 12)  # too few invoices to judge by: the curve as it is
    assert interval_scale(narrow[few], age[few], actual[few], lower[few], life)[0] == 1.0
