"""The joint simulation of the open book: draws honour each invoice's quantiles, amounts add up
exactly, a customer's invoices move together as much as ``rho`` says, and unpaid invoices bring
nothing."""

from __future__ import annotations

import numpy as np
import pytest

from dunwell.forecast.joint import OpenBook, quantiles, simulate_daily, weekly
from dunwell.forecast.quantile_curve import days_at


def _book(n: int, *, p10: float = 10, p50: float = 20, p90: float = 30, p_never: float = 0.0,
          customers: int = 1, amount: int = 10_000) -> OpenBook:  # fmt: skip
    return OpenBook(
        amount_minor=np.full(n, amount, dtype=np.int64),
        p10=np.full(n, p10),
        p50=np.full(n, p50),
        p90=np.full(n, p90),
        p_never=np.full(n, p_never),
        customer=np.arange(n, dtype=np.int64) % customers,
    )


def test_the_curve_passes_through_the_quantiles_rises_and_stays_at_or_above_day_zero() -> None:
    u = np.array([0.1, 0.5, 0.9])
    assert days_at(np.float64(10), np.float64(20), np.float64(40), u).tolist() == [10, 20, 40]
    grid = np.linspace(0.001, 0.999, 500)
    curve = days_at(np.float64(2), np.float64(3), np.float64(9), grid)
    assert (np.diff(curve) >= 0).all()
    assert curve.min() >= 0
    unstretched = 9 + (0.999 - 0.9) * (9 - 3) / 0.4
    assert curve[-1] > 1.1 * unstretched  # the right tail is stretched: delays are right-skewed
    swapped = days_at(np.float64(40), np.float64(20), np.float64(10), u)  # out of order: sorted
    assert swapped.tolist() == [10, 20, 40]


def test_each_draw_adds_up_to_the_book_and_a_single_invoice_keeps_its_quantiles() -> None:
    book = _book(400, customers=40)
    daily = simulate_daily(book, horizon_days=400, draws=200, rho=0.3, seed=1)
    assert daily.dtype == np.int64
    assert (daily.sum(axis=1) == 400 * 10_000).all()  # every invoice paid inside the horizon, exactly
    one = simulate_daily(_book(1), horizon_days=120, draws=20_000, rho=0.0, seed=2)
    paid_by = np.cumsum(one, axis=1)[:, [9, 19, 29]].astype(bool).mean(axis=0)
    assert paid_by == pytest.approx([0.10, 0.50, 0.90], abs=0.015)


def test_a_customers_invoices_move_together_as_much_as_rho_says() -> None:
    book = _book(60, customers=1)
    spreads = {}
    for rho in (0.0, 0.8):
        cumulative = simulate_daily(book, horizon_days=60, draws=3_000, rho=rho, seed=3)[:, :20].sum(axis=1)
        low, _, high = quantiles(cumulative[:, None])[:, 0]
        spreads[rho] = high - low
    assert spreads[0.8] > 3 * spreads[0.0]  # dependent invoices: a far wider range for the total
    many = _book(60, customers=60)  # one invoice per customer: rho has nothing to act on
    apart = simulate_daily(many, horizon_days=60, draws=3_000, rho=0.8, seed=3)[:, :20].sum(axis=1)
    low, _, high = quantiles(apart[:, None])[:, 0]
    assert high - low < 1.5 * spreads[0.0]


def test_unpaid_invoices_bring_nothing_and_the_seed_repeats_the_draws() -> None:
    assert simulate_daily(_book(50, p_never=1.0), horizon_days=90, draws=50, rho=0.2, seed=4).sum() == 0
    some = simulate_daily(
        _book(500, p_never=0.2, customers=100), horizon_days=200, draws=400, rho=0.2, seed=5
    )
    assert some.sum(axis=1).mean() / (500 * 10_000) == pytest.approx(0.8, abs=0.02)
    again = simulate_daily(
        _book(500, p_never=0.2, customers=100), horizon_days=200, draws=400, rho=0.2, seed=5
    )
    assert (again == some).all()


def test_weeks_sum_their_days_and_bad_input_is_refused() -> None:
    daily = simulate_daily(_book(30), horizon_days=91, draws=10, rho=0.1, seed=6)
    by_week = weekly(daily, 13)
    assert by_week.shape == (10, 13)
    assert (by_week.sum(axis=1) == daily.sum(axis=1)).all()
    with pytest.raises(ValueError, match="do not make 14 weeks"):
        weekly(daily, 14)
    with pytest.raises(ValueError, match="rho"):
        simulate_daily(_book(3), horizon_days=10, draws=1, rho=1.0, seed=0)
    with pytest.raises(ValueError, match="negative"):
        OpenBook(np.array([-5]), np.ones(1), np.ones(1), np.ones(1), np.zeros(1), np.zeros(1, dtype=np.int64))
