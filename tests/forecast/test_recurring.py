"""Monthly billers (subscriptions, monthly fees): found from the last invoices known at the
origin, their next invoices scheduled on their day of the month, stops measured on the book's own
past, and the cash simulated so that a biller that stops stays stopped."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dunwell.forecast.new_billing import collection_matrix
from dunwell.forecast.recurring import (
    KEEP_PRIOR,
    MonthlyBillers,
    keep_rate,
    monthly_billers,
    schedule,
    simulate_recurring,
)
from dunwell.ml.history import day_number, day_of


def _book(rows: list[tuple[int, date, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    customer, issue, amount = zip(*[(c, day_number(d), a) for c, d, a in rows], strict=True)
    return np.asarray(customer), np.asarray(issue), np.asarray(amount)


def test_a_customer_billed_on_the_same_day_three_months_running_is_a_monthly_biller() -> None:
    rows = [(1, date(2025, m, 5), 100_00) for m in (1, 2, 3)]  # the 5th of each month
    rows += [(2, date(2025, m, d), 50_00) for m in (1, 2, 3) for d in (3, 17)]  # twice a month
    rows += [(3, date(2025, 1, 2), 10_00), (3, date(2025, 2, 20), 10_00), (3, date(2025, 3, 9), 10_00)]
    rows += [(4, date(2025, m, 28), 70_00 + m) for m in (1, 2)]  # only two invoices so far
    found = monthly_billers(*_book(rows), day_number(date(2025, 3, 20)))
    assert found.customer.tolist() == [1]
    assert day_of(int(found.last_issue[0])) == date(2025, 3, 5)
    assert found.day_of_month.tolist() == [5]
    assert found.amount.tolist() == [100_00]
    assert found.stopped.tolist() == []


def test_a_biller_whose_next_invoice_is_overdue_at_the_cutoff_has_stopped() -> None:
    rows = [(1, date(2025, m, 5), 100_00) for m in (1, 2, 3)]
    within_grace = monthly_billers(*_book(rows), day_number(date(2025, 4, 8)))
    assert within_grace.customer.tolist() == [1]  # billing runs slip a few days
    late = monthly_billers(*_book(rows), day_number(date(2025, 4, 9)))
    assert late.customer.tolist() == []
    assert late.stopped.tolist() == [1]


def test_the_next_invoices_fall_on_the_billing_day_or_the_last_day_of_a_shorter_month() -> None:
    billers = MonthlyBillers(
        customer=np.array([7, 8]),
        last_issue=np.array([day_number(date(2025, 1, 31)), day_number(date(2025, 1, 10))]),
        day_of_month=np.array([31, 10]),
        amount=np.array([300.0, 100.0]),
        stopped=np.zeros(0, dtype=np.int64),
    )
    origin = day_number(date(2025, 2, 1))
    plan = schedule(billers, origin=origin, horizon_days=60, keep=0.9)
    expected = {
        (0, date(2025, 2, 28), 1), (0, date(2025, 3, 31), 2),
        (1, date(2025, 2, 10), 1), (1, date(2025, 3, 10), 2),
    }  # fmt: skip
    got = {
        (int(b), day_of(origin + int(d)), int(n))
        for b, d, n in zip(plan.biller, plan.day, plan.nth, strict=True)
    }
    assert got == expected
    assert plan.expected_minor == pytest.approx(300 * (0.9 + 0.81) + 100 * (0.9 + 0.81))
    # An invoice due just before the origin and not sent yet is expected on its first day.
    overdue = schedule(billers, origin=day_number(date(2025, 2, 12)), horizon_days=5, keep=1.0)
    assert overdue.day.tolist() == [1]
    assert overdue.biller.tolist() == [1]


def test_keep_is_the_share_of_billers_that_sent_their_next_invoice() -> None:
    months = [date(2024, m, 12) for m in range(1, 13)] + [date(2025, m, 12) for m in range(1, 7)]
    staying = [(c, d, 100_00) for c in range(30) for d in months]
    origin = day_number(date(2025, 6, 20))
    assert keep_rate(*_book(staying), origin) > 0.99
    # Ten more billers each stop after six invoices: each stop is one next invoice not sent.
    leaving = [(100 + c, d, 100_00) for c in range(10) for d in months[c : c + 6]]
    lower = keep_rate(*_book(staying + leaving), origin)
    assert 0.9 < lower < 0.99
    assert keep_rate(*_book([(1, date(2025, 1, 3), 10_00)]), origin) == KEEP_PRIOR  # no billers: the prior


def test_the_simulated_cash_follows_the_schedule_and_a_biller_that_stops_stays_stopped() -> None:
    billers = MonthlyBillers(
        customer=np.array([1]),
        last_issue=np.array([day_number(date(2025, 1, 10))]),
        day_of_month=np.array([10]),
        amount=np.array([1_000.0]),
        stopped=np.zeros(0, dtype=np.int64),
    )
    origin = day_number(date(2025, 1, 31))
    pmf = np.zeros(60)
    pmf[3] = 1.0  # every invoice paid three days after issue
    certain = simulate_recurring(schedule(billers, origin=origin, horizon_days=60, keep=1.0), pmf,
                                 horizon_days=60, draws=2, seed=1)  # fmt: skip
    paid_days = sorted({day_of(origin + 1 + int(d)) for d in np.flatnonzero(certain[0])})
    assert paid_days == [date(2025, 2, 13), date(2025, 3, 13)]
    assert (certain == certain[0]).all()
    assert certain.sum(axis=1).tolist() == [2_000, 2_000]
    unsure = simulate_recurring(schedule(billers, origin=origin, horizon_days=60, keep=0.5), pmf,
                                horizon_days=60, draws=4_000, seed=2)  # fmt: skip
    first = unsure[:, day_number(date(2025, 2, 13)) - origin - 1] > 0
    second = unsure[:, day_number(date(2025, 3, 13)) - origin - 1] > 0
    assert first.mean() == pytest.approx(0.5, abs=0.03)
    assert second.mean() == pytest.approx(0.25, abs=0.03)
    assert not (second & ~first).any()  # never billed again after a month it stopped


def test_the_collection_matrix_moves_billing_by_the_lag() -> None:
    matrix = collection_matrix(np.array([0.5, 0.25, 0.25]), 4)
    assert (np.array([1.0, 0, 0, 0]) @ matrix).tolist() == [0.5, 0.25, 0.25, 0.0]
    assert (np.array([0, 0, 0, 1.0]) @ matrix).tolist() == [0.0, 0.0, 0.0, 0.5]


def test_a_customer_with_nothing_issued_by_the_cutoff_does_not_count_another_twice_nor_an_empty_book() -> (
    None
):
    rows = [(1, date(2025, m, 5), 100_00) for m in (1, 2, 3)] + [(2, date(2025, 6, 1), 10_00)]
    found = monthly_billers(*_book(rows), day_number(date(2025, 3, 20)))
    assert found.customer.tolist() == [1]
    empty = np.zeros(0, dtype=np.int64)
    assert len(monthly_billers(empty, empty, empty, day_number(date(2025, 3, 20))).customer) == 0
    assert keep_rate(empty, empty, empty, day_number(date(2025, 3, 20))) == KEEP_PRIOR
