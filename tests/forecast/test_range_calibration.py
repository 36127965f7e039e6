"""The weekly range calibrated on earlier forecasts' misses: the simulation's spread scaled so that
80 % of past weeks fell inside, joined with how far past weeks strayed from their P50."""

from __future__ import annotations

import numpy as np
import pytest

from dunwell.forecast.range_calibration import MIN_SCALE, RangeCalibration, range_calibration

WEEKS = 13


def _past(actual_weeks: np.ndarray, p10: float, p50: float, p90: float) -> tuple[np.ndarray, np.ndarray]:
    """One earlier origin: the cash of each week paid on the week's first day, and its bands."""
    daily = np.zeros(WEEKS * 7, dtype=np.int64)
    daily[::7] = actual_weeks
    bands = np.stack([np.full(WEEKS, p10), np.full(WEEKS, p50), np.full(WEEKS, p90)]).astype(np.float64)
    return daily, bands


def test_weeks_that_stray_further_than_the_simulated_spread_widen_the_weekly_range() -> None:
    rng = np.random.default_rng(4)
    # The simulation said 1,000 +/- 20; the weeks came in at 1,000 +/- 30 % (uniform).
    past = [_past(np.rint(1_000 * rng.uniform(0.7, 1.3, WEEKS)), 980, 1_000, 1_020) for _ in range(16)]
    found = range_calibration(past)
    assert found.low > 10
    assert found.high > 10
    assert found.below == pytest.approx(-0.24, abs=0.04)
    assert found.above == pytest.approx(0.24, abs=0.04)
    lower, mid, upper = found.weekly(np.array([980.0]), np.array([1_000.0]), np.array([1_020.0]))
    assert mid.tolist() == [1_000.0]
    assert lower[0] <= 1_000 * (1 + found.below)
    assert upper[0] >= 1_000 * (1 + found.above)
    assert found.scaled(np.array([980.0]), np.array([1_000.0]), np.array([1_020.0]))[0][0] >= 0.0


def test_a_week_holding_one_large_invoice_keeps_the_simulations_range() -> None:
    calibration = RangeCalibration(low=1.0, high=1.0, below=-0.2, above=0.2)
    # P50 nothing, P90 a large invoice: the relative range is nothing, the simulated one is kept.
    lower, mid, upper = calibration.weekly(np.array([0.0]), np.array([0.0]), np.array([50_000.0]))
    assert (lower[0], mid[0], upper[0]) == (0.0, 0.0, 50_000.0)


def test_a_model_stored_before_the_relative_part_reads_as_the_scaled_range_only() -> None:
    old = RangeCalibration.from_metrics({"low": 1.5, "high": 2.0, "origins": []})
    assert (old.low, old.high, old.below, old.above) == (1.5, 2.0, 0.0, 0.0)
    lower, _, upper = old.weekly(np.array([90.0]), np.array([100.0]), np.array([110.0]))
    assert (lower[0], upper[0]) == (85.0, 120.0)
    assert RangeCalibration.from_metrics({"skipped": "too short"}) == RangeCalibration()
    stored = RangeCalibration(1.23456, 2.0, -0.31, 0.42).as_metrics()
    assert RangeCalibration.from_metrics(dict(stored)) == RangeCalibration(1.2346, 2.0, -0.31, 0.42)


def test_too_tight_past_misses_never_shrink_a_side_below_its_floor_and_empty_weeks_are_skipped() -> None:
    # Every past week landed on its P50; half the weeks expected nothing.
    weeks = np.array([500, 0] * 6 + [500])
    bands_weeks = weeks.astype(np.float64)
    daily = np.zeros(WEEKS * 7, dtype=np.int64)
    daily[::7] = weeks
    past = [(daily, np.stack([bands_weeks - 50, bands_weeks, bands_weeks + 50]))] * 4
    found = range_calibration(past)
    assert (found.low, found.high) == (MIN_SCALE, MIN_SCALE)
    assert (found.below, found.above) == (0.0, 0.0)
    assert range_calibration([]) == RangeCalibration()
