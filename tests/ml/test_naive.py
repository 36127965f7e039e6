"""The naive rules: what the backtest compares with and what the choice may pick."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dunwell.ml.history import NEVER, InvoiceHistory, day_number
from dunwell.ml.naive import SHRINK_PAYMENTS, ResidualLife, conditional_guesses, naive_guesses

D0 = date(2024, 1, 1)


def history_of(delays: dict[str, list[int | None]]) -> InvoiceHistory:
    rows = []
    for customer, values in delays.items():
        for n, delay in enumerate(values):
            issue = D0 + timedelta(days=10 * n)
            due = issue + timedelta(days=30)
            rows.append({"invoice_id": f"{customer}{n}", "customer_id": customer, "currency": "EUR",
                         "amount": 10.0, "issue_date": issue, "due_date": due,
                         "paid_date": None if delay is None else due + timedelta(days=delay)})  # fmt: skip
    return InvoiceHistory.from_frame(pd.DataFrame(rows))


def test_naive_guesses_use_only_what_was_cleared_by_the_day() -> None:
    history = history_of({"A": [2, 4, 30, None], "B": [10, None]})
    known = day_number(D0 + timedelta(days=70))  # A's first two and B's first are paid by then
    rows = np.array([3, 5])

    got = naive_guesses(history, rows, np.full(2, known))

    assert got.paid_count.tolist() == [2, 1]
    assert got.guesses["customer_median_delay"].tolist() == [3.0, 10.0]
    assert got.guesses["customer_last_delay"].tolist() == [4.0, 10.0]
    assert got.guesses["due_date"].tolist() == [0.0, 0.0]
    book = 4.0  # median of 2, 4, 10
    assert got.guesses["shrunk_median"][0] == (2 * 3 + SHRINK_PAYMENTS * book) / (2 + SHRINK_PAYMENTS)


def test_residual_life_is_conditioned_on_the_age_and_never_in_the_past() -> None:
    history = history_of({"A": [0, 5, 10, 20, 40, 60, 90, 120, None, None]})
    life = ResidualLife.fit(history, day_number(D0 + timedelta(days=400)))

    young, old = life.quantiles(np.array([0.0, 50.0]), (0.1, 0.5, 0.9))
    assert young[1] < old[1]
    assert np.all(old >= 51)
    assert old[0] <= old[1] <= old[2]


def test_conditional_guesses_use_the_customers_delays_above_the_age() -> None:
    history = history_of({"A": [1, 2, 45, 50, 70, None], "B": [3, None]})
    known = day_number(D0 + timedelta(days=200))
    life = ResidualLife.fit(history, known)
    rows = np.array([5, 7])
    age = (known - history.due[rows]).astype(float)
    assert (history.paid[rows] == NEVER).all()

    got = conditional_guesses(history, rows, age, known, life)

    assert got["next_day"].tolist() == (age + 1).tolist()
    if age[0] < 45:
        assert got["customer_delays_above_age"][0] == 50.0
    assert got["customer_delays_above_age"][1] == got["book_residual_life"][1]  # B: too few above
