"""Model or baseline on heavy tails and shifts: significance, censoring, recency (ADR 0016)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dunwell.ml.backtest import run_backtest
from dunwell.ml.choice import REFERENCE, abs_errors, choose, significantly_better
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.naive import NAIVE, NaiveGuesses, naive_guesses


def guesses_of(n: int, count: float, **rules: np.ndarray) -> NaiveGuesses:
    return NaiveGuesses({name: rules.get(name, np.zeros(n)) for name in NAIVE}, np.full(n, count), 0.0)


def test_an_edge_that_a_few_heavy_tailed_invoices_make_is_not_taken() -> None:
    rng = np.random.default_rng(3)
    n = 120
    actual = rng.normal(10, 3, n)
    actual[:4] = rng.uniform(150, 400, 4)  # a few paid a year late decide the mean
    median = np.full(n, 10.0)
    model = np.where(np.arange(n) < 4, 60.0, 10.0 + rng.normal(0, 4, n))  # lucky on the four only

    choice = choose(actual, model, guesses_of(n, 10, customer_median_delay=median), validation={})

    picked = choice.groups["established"]
    assert picked.validation_mae["model"] < picked.validation_mae[REFERENCE]  # better on average ...
    assert picked.predictor == REFERENCE  # ... but not significantly: the customer median stays
    assert picked.model_weight == 0.0


def test_a_consistently_better_model_is_significant() -> None:
    rng = np.random.default_rng(4)
    n = 300
    actual = rng.normal(10, 6, n)
    model = actual + rng.normal(0, 1, n)
    median = np.full(n, 10.0)

    choice = choose(actual, model, guesses_of(n, 10, customer_median_delay=median), validation={})

    assert choice.groups["established"].model_weight > 0
    assert significantly_better(np.abs(model - actual), np.abs(median - actual))
    assert not significantly_better(np.abs(median - actual), np.abs(median - actual))


def test_censored_invoices_count_by_what_is_known_of_them() -> None:
    actual = np.array([5.0, np.nan, np.nan])
    lower = np.array([0.0, 40.0, 40.0])
    # Paid 5 days late: error 2; open and known to be 40+ days late: a guess of 10 is 30 short;
    # a guess of 60 may be right.
    assert abs_errors(actual, np.array([3.0, 10.0, 60.0]), lower).tolist() == [2.0, 30.0, 0.0]


def test_a_rule_that_only_looks_good_on_the_quick_payers_is_not_chosen() -> None:
    # Half the window is still open 60+ days late: judged on the paid half, paying on the due
    # date looks perfect; judged on all, the customer median (40) is far better.
    n = 200
    actual = np.where(np.arange(n) % 2 == 0, 0.0, np.nan)
    lower = np.where(np.isnan(actual), 61.0, 0.0)
    guesses = guesses_of(n, 10, customer_median_delay=np.full(n, 40.0), due_date=np.zeros(n))

    choice = choose(actual, np.full(n, 20.0), guesses, validation={}, lower=lower)

    assert choice.groups["established"].predictor == REFERENCE


def test_the_recent_delay_uses_only_payments_known_on_the_day() -> None:
    rows = []
    d0 = date(2024, 1, 1)
    for n, delay in enumerate([0, 0, 0, 30, 30, 30, 90]):
        issue = d0 + timedelta(days=20 * n)
        due = issue + timedelta(days=30)
        paid = due + timedelta(days=delay)
        rows.append({"invoice_id": f"A{n}", "customer_id": "A", "currency": "EUR", "amount": 1.0,
                     "issue_date": issue, "due_date": due, "paid_date": paid})  # fmt: skip
    history = InvoiceHistory.from_frame(pd.DataFrame(rows))
    paid = history.paid
    # Known on the day the sixth invoice was paid: the last three are 30, 30, 30 (the 90 not yet).
    known = int(paid[5])
    got = naive_guesses(history, np.array([6]), np.array([known]))
    assert got.guesses["customer_recent_delay"].tolist() == [30.0]
    assert got.guesses["customer_median_delay"].tolist() == [15.0]
    # A day earlier the sixth payment is not known: the last three are 0, 30, 30.
    earlier = naive_guesses(history, np.array([6]), np.array([known - 1]))
    assert earlier.guesses["customer_recent_delay"].tolist() == [30.0]
    assert earlier.paid_count.tolist() == [5.0]
    # The 90 paid later changes nothing known before it.
    later = InvoiceHistory.from_frame(pd.DataFrame(rows[:6]))
    again = naive_guesses(later, np.array([5]), np.array([known]))
    assert again.guesses["customer_recent_delay"].tolist() == [30.0]


def shifted_ledger(seed: int, shift_days: int, shift_before_cutoff: int) -> tuple[InvoiceHistory, date]:
    """A small heavy-tailed book whose delays jump by ``shift_days`` for invoices due from
    ``shift_before_cutoff`` days before the cutoff on; few invoices for most customers."""
    rng = np.random.default_rng(seed)
    start, cutoff = date(2023, 1, 1), date(2024, 7, 1)
    shift_from = cutoff - timedelta(days=shift_before_cutoff)
    rows = []
    for c in range(300):
        level = rng.uniform(-5, 40)
        n = int(min(rng.geometric(0.15), 25))
        for k in range(n):
            issue = start + timedelta(days=int(rng.integers(0, 640)))
            due = issue + timedelta(days=30)
            delay = level + rng.standard_t(3) * 4 + (shift_days if due >= shift_from else 0)
            if rng.random() < 0.05:
                delay = rng.uniform(100, 300)
            paid = None if rng.random() < 0.03 else due + timedelta(days=round(delay))
            if paid is not None and paid > date(2025, 3, 1):
                paid = None
            rows.append({"invoice_id": f"C{c}-{k}", "customer_id": f"C{c}", "currency": "EUR",
                         "amount": 100.0, "issue_date": issue, "due_date": due,
                         "paid_date": max(paid, issue) if paid else None})  # fmt: skip
    return InvoiceHistory.from_frame(pd.DataFrame(rows)), cutoff


def test_on_a_shifted_heavy_tailed_ledger_the_choice_is_not_worse_than_the_best_rule() -> None:
    history, cutoff = shifted_ledger(5, 15, 120)
    assert day_number(cutoff) > 0

    report = run_backtest(history, cutoff=cutoff, horizon_days=120, n_jobs=1, n_estimators=60)

    best = min(b["mae_days"] for b in report["baselines"].values())
    assert report["mae_days"] <= best * 1.0
