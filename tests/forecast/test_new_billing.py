"""Cash from invoices not issued yet: the trailing run-rate, the book's issue-to-payment pattern
from invoices old enough to have a full horizon of outcome, and nothing known after the origin."""

from __future__ import annotations

import numpy as np
import pytest

from dunwell.forecast.new_billing import BillingPattern, billing_pattern, simulate_new_billing

ORIGIN = 1_000
HORIZON = 91


def _book(days_to_pay: int, *, paid_after_origin: bool = False) -> tuple[np.ndarray, ...]:
    """One 1,000.00 invoice a day for 400 days before the origin, each paid ``days_to_pay`` later."""
    issue = np.arange(ORIGIN - 400, ORIGIN + 1, dtype=np.int64)
    paid = issue + days_to_pay
    amount = np.full(len(issue), 100_000, dtype=np.int64)
    return issue, paid, amount


def test_the_rate_and_pattern_come_from_what_was_known_at_the_origin() -> None:
    issue, paid, amount = _book(30)
    pattern = billing_pattern(issue, paid, amount, origin=ORIGIN, horizon_days=HORIZON)
    assert pattern.rate_per_day == pytest.approx(100_000)
    assert pattern.weekly_cv == pytest.approx(0.0)
    assert pattern.pmf[30] == pytest.approx(1.0)
    assert pattern.pmf.sum() == pytest.approx(1.0)
    # Outcomes after the origin are unknown at it: invoices paid later count as not (yet) paid.
    slow = billing_pattern(issue, issue + 200, amount, origin=ORIGIN, horizon_days=HORIZON)
    assert slow.pmf.sum() == 0.0
    future = issue > ORIGIN - 50  # billing after the origin never enters the rate
    more = np.where(future, amount * 10, amount)
    assert billing_pattern(
        issue, paid, more, origin=ORIGIN - 60, horizon_days=HORIZON
    ).rate_per_day == pytest.approx(100_000)


def test_new_billing_is_collected_along_the_pattern() -> None:
    pmf = np.zeros(HORIZON)
    pmf[30] = 1.0
    cash = simulate_new_billing(BillingPattern(100_000.0, 0.0, pmf), horizon_days=HORIZON, draws=3, seed=1)
    assert cash.shape == (3, HORIZON)
    assert (cash[:, :30] == 0).all()  # nothing billed after the origin is paid in its first 30 days
    assert (cash[:, 30:] == 100_000).all()  # then each day's billing, 30 days on
    spread = simulate_new_billing(
        BillingPattern(100_000.0, 0.3, pmf), horizon_days=HORIZON, draws=4_000, seed=2
    )
    totals = spread.sum(axis=1)
    assert totals.mean() == pytest.approx(61 * 100_000, rel=0.02)  # the multiplier keeps the mean
    assert totals.std() / totals.mean() > 0.05  # and spreads the total


def test_a_run_rate_that_missed_before_spreads_every_week_of_a_draw_together() -> None:
    issue, paid, amount = _book(30)
    assert billing_pattern(issue, paid, amount, origin=ORIGIN, horizon_days=HORIZON).level_cv == 0.0
    # Billing that doubles and halves every quarter: the trailing rate misses a horizon by far.
    quarter = ((issue - issue[0]) // 91) % 2 == 1
    swinging = billing_pattern(issue, paid, np.where(quarter, amount * 2, amount), origin=ORIGIN,
                               horizon_days=HORIZON)  # fmt: skip
    assert swinging.level_cv > 0.2
    pmf = np.zeros(HORIZON)
    pmf[0] = 1.0
    apart = simulate_new_billing(BillingPattern(1e5, 0.1, pmf), horizon_days=HORIZON, draws=2_000, seed=3)
    moved = simulate_new_billing(
        BillingPattern(1e5, 0.1, pmf, 0.3), horizon_days=HORIZON, draws=2_000, seed=3
    )
    assert moved.sum(axis=1).std() > 2 * apart.sum(axis=1).std()
    assert moved.sum(axis=1).mean() == pytest.approx(apart.sum(axis=1).mean(), rel=0.03)
