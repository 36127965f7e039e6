"""The customer's payment habit as a delay (``cust_habit_delay``, ``customer_habit_delay``): a
weekly or month-end payment run moves the day the customer means to pay to its run, a
deteriorating trend is followed; both learned from the customer's payments known by the day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from dunwell.ml.features import Queries, point_in_time_features
from dunwell.ml.history import InvoiceHistory, day_number
from dunwell.ml.naive import NAIVE, naive_guesses

D0 = date(2024, 1, 3)
KNOWN = date(2025, 1, 1)


def _book(rule: str, *, invoices: int = 30, step: int = 11) -> tuple[pd.DataFrame, list[date]]:
    """One customer's invoices (due every ``step`` days), paid by ``rule`` up to ``KNOWN``; then
    three open invoices due after it."""
    rows, dues = [], []
    for n in range(invoices + 3):
        due = D0 + timedelta(days=step * n + 30)
        intended = due - timedelta(days=2)  # means to pay two days early
        if rule == "weekly":  # the Thursday run on or after the intended day
            paid = intended + timedelta(days=(3 - intended.weekday()) % 7)
        elif rule == "month_end":  # the month's last weekday
            last = (pd.Timestamp(intended) + pd.offsets.MonthEnd(0)).date()
            paid = last - timedelta(days=max(0, last.weekday() - 4))
        else:  # deteriorating: a day more late every ten days of due dates
            paid = due + timedelta(days=(due - D0).days // 10)
        open_ = paid > KNOWN or n >= invoices
        if open_:
            dues.append(due)
        rows.append({"invoice_id": f"I{n}", "customer_id": "C", "currency": "EUR", "amount": 100.0,
                     "issue_date": due - timedelta(days=30), "due_date": due,
                     "paid_date": None if open_ else paid})  # fmt: skip
    return pd.DataFrame(rows), dues


def _features(frame: pd.DataFrame) -> pd.DataFrame:
    history = InvoiceHistory.from_frame(frame)
    rows = np.flatnonzero(np.isin(history.paid, [10_000_000]))
    k = np.full(len(rows), day_number(KNOWN))
    return point_in_time_features(history, Queries(rows=rows, as_of=k, known=k))


def test_a_weekly_run_moves_the_intended_day_to_the_run_weekday() -> None:
    frame, dues = _book("weekly")
    got = _features(frame)
    for due, delay in zip(dues, got["cust_habit_delay"], strict=True):
        intended = due - timedelta(days=2)
        run = intended + timedelta(days=(3 - intended.weekday()) % 7)
        assert delay == (run - due).days
    # The plain median cannot tell the due dates apart: the habit can.
    assert got["cust_habit_delay"].nunique() > got["cust_median_delay"].nunique()


def test_a_month_end_run_pays_on_the_months_last_weekday() -> None:
    frame, dues = _book("month_end")
    got = _features(frame)
    for due, delay in zip(dues, got["cust_habit_delay"], strict=True):
        paid = due + timedelta(days=int(delay))
        assert paid.weekday() < 5
        assert (paid + timedelta(days=3)).month != paid.month or (paid + timedelta(days=1)).weekday() == 5
        assert paid >= due - timedelta(days=2)  # not before the day it means to pay
        assert (paid - (due - timedelta(days=2))).days < 31


def test_a_deteriorating_customer_is_followed_along_its_trend() -> None:
    frame, dues = _book("deteriorating", invoices=30)
    got = _features(frame)
    expected = np.array([(due - D0).days // 10 for due in dues], dtype=float)
    assert np.all(np.abs(got["cust_habit_delay"].to_numpy() - expected) <= 1.5)
    assert np.all(got["cust_median_delay"].to_numpy() < expected - 5)  # the median lags behind


def test_a_customer_without_a_habit_keeps_its_median() -> None:
    rng = np.random.default_rng(3)
    frame, _ = _book("weekly")
    paid = frame["paid_date"].notna()
    jitter = rng.integers(-3, 4, paid.sum())
    frame.loc[paid, "paid_date"] = [
        d + timedelta(days=int(x)) for d, x in zip(frame.loc[paid, "due_date"], jitter, strict=True)
    ]
    got = _features(frame)
    assert np.array_equal(got["cust_habit_delay"].to_numpy(), got["cust_median_delay"].to_numpy())


def test_the_habit_rule_is_a_naive_candidate_and_point_in_time() -> None:
    assert "customer_habit_delay" in NAIVE
    frame, _ = _book("weekly")
    history = InvoiceHistory.from_frame(frame)
    rows = np.flatnonzero(history.paid == 10_000_000)
    known = np.full(len(rows), day_number(KNOWN))
    got = naive_guesses(history, rows, known).guesses["customer_habit_delay"]
    features = point_in_time_features(history, Queries(rows=rows, as_of=known, known=known))
    assert np.array_equal(got, features["cust_habit_delay"].to_numpy(dtype=float))
    # Payments after the day change nothing; before it, the rule knows only what was paid then.
    later = frame.copy()
    still_open = later.paid_date.isna()
    later.loc[still_open, "paid_date"] = later.loc[still_open, "due_date"] + timedelta(days=9)
    again = naive_guesses(InvoiceHistory.from_frame(later), rows, known).guesses["customer_habit_delay"]
    assert np.array_equal(got, again)
