"""What the open book's simulation reads from the book's own past: ``rho`` measured from how a
customer's invoices' delays move together, and the unpaid chance of invoices past due from a life
table that counts the invoices still unpaid and tells a customer that stopped paying apart."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from dunwell.forecast.quantile_curve import days_at, level_at
from dunwell.forecast.rho import FALLBACK_RHO, pair_correlation
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.prediction.cash_in import estimate_rho, never_paid

START = date(2024, 1, 1)


def _delays(rho: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """200 customers x 24 invoices due 3 days apart; each customer's delays share one factor per
    fortnight (a slipped payment run) at weight ``rho``, beside its own fixed level."""
    rng = np.random.default_rng(seed)
    customer = np.repeat(np.arange(200), 24)
    due = np.tile(np.arange(24) * 3, 200)
    shocks = rng.standard_normal((200, 24))[customer, due // 14]
    latent = np.sqrt(rho) * shocks + np.sqrt(1 - rho) * rng.standard_normal(len(customer))
    return customer, due, np.round(rng.normal(0, 8, 200)[customer] + 6 * latent).astype(np.int64)


def test_rho_is_measured_from_invoices_that_move_together_beyond_their_customers_level() -> None:
    independent = pair_correlation(*_delays(0.0, 1))
    together = pair_correlation(*_delays(0.6, 1))
    assert independent < 0.1  # a customer's own level (always late) is not moving together
    assert together > independent + 0.12
    assert 0.0 <= independent <= together <= 0.9
    few = pair_correlation(np.zeros(5, np.int64), np.arange(5), np.arange(5), fallback=0.25)
    assert few == 0.25  # too few pairs: the stated fallback


def _history(rows: list[tuple[str, int, int | None]]) -> InvoiceHistory:
    """(customer, issue day offset, paid day offset or None): 30-day terms, 100.00 each."""
    return InvoiceHistory.from_records(
        {"invoice_id": f"I{k}", "customer_id": c, "currency": "USD", "amount": 100.0,
         "issue_date": START + timedelta(days=i), "due_date": START + timedelta(days=i + 30),
         "paid_date": None if p is None else START + timedelta(days=p)}
        for k, (c, i, p) in enumerate(rows)
    )  # fmt: skip


def test_estimate_rho_reads_only_what_was_settled_at_the_origin() -> None:
    rows = [(f"C{c}", 5 * k, 5 * k + 30 + (c % 7) + (k % 3)) for c in range(40) for k in range(40)]
    history = _history(rows)
    origin = day_number(START) + 120
    found = estimate_rho(history, np.ones(len(rows), dtype=bool), origin)
    later = history.paid > origin  # what happens after the origin cannot move the estimate
    changed = _history(
        [(c, i, p + 40 if history.paid[k] > origin else p) for k, (c, i, p) in enumerate(rows)]
    )
    assert later.any()
    assert estimate_rho(changed, np.ones(len(rows), dtype=bool), origin) == found
    assert estimate_rho(history, np.ones(len(rows), dtype=bool), day_number(START)) == FALLBACK_RHO


def test_a_customer_that_stopped_paying_is_expected_to_stay_unpaid() -> None:
    rows: list[tuple[str, int, int | None]] = []
    for c in range(30):  # payers: each invoice paid 20 days late
        rows += [(f"P{c}", i, i + 50) for i in range(0, 400, 20)]
    for c in range(10):  # customers that paid for a while, then nothing from day 150 on
        rows += [(f"D{c}", i, i + 40 if i + 40 < 150 else None) for i in range(0, 400, 20)]
    history = _history(rows)
    origin = day_number(START) + 400
    ours = np.ones(len(rows), dtype=bool)
    open_rows = np.flatnonzero((history.paid > origin) & (history.due < origin))
    unpaid = never_paid(history, ours, origin, open_rows, 91)
    stopped = np.array([history.customer_names[k].startswith("D") for k in history.customer[open_rows]])
    old = (origin - history.due[open_rows]) > 60
    assert unpaid[stopped & old].min() > 0.8  # the silent customers' old invoices: bad debt
    assert (history.paid[open_rows][~stopped] <= origin + 91).all()
    assert unpaid[~stopped].max() < 0.3  # the payers' invoices just past due: paid soon
    fresh = np.flatnonzero(history.due > origin)
    assert (never_paid(history, ours, origin, fresh, 91) == 0).all()  # not due yet: the predictor's


def test_the_share_paid_within_a_day_inverts_the_curve() -> None:
    rng = np.random.default_rng(0)
    p10, p50, p90 = np.sort(rng.uniform(-20, 80, (3, 500)), axis=0)
    p50[:50] = p10[:50]  # flat segments too
    grid = np.linspace(0, 1, 20_001)[1:-1]
    for day in (0.0, 30.0, 91.0):
        drawn = (days_at(p10[:, None], p50[:, None], p90[:, None], grid[None, :]) <= day).mean(axis=1)
        assert level_at(p10, p50, p90, day) == pytest.approx(drawn, abs=1e-3)
