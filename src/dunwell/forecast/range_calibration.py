"""The cash forecast's weekly range calibrated on earlier forecasts' misses (issue 19, ADR 0033).

The joint simulation's P10-P90 is the spread its assumptions imply; real weeks stray further
(billing that comes in orders, payment runs that slip together, invoices the predictor reads
wrong). So the range is set from how the latest earlier forecasts whose weeks are over missed,
outcomes known at the origin only (split conformal): see ``RangeCalibration``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

#: A calibrated side of the range is never narrower than this share of the simulated one.
MIN_SCALE = 0.25
#: The range's levels: 10 % of weeks below it, 10 % above.
LOW, HIGH = 0.1, 0.9


@dataclass(frozen=True, slots=True)
class RangeCalibration:
    """How earlier forecasts' weekly ranges missed, learned on outcomes known at the origin.

    ``low``/``high``: the factors that scale each side of the simulated range around its P50 so
    that 10 % of those weekly buckets fell below and 10 % above (split conformal on the
    simulation's own spread; they apply to any bucket: days, weeks, the whole horizon).
    ``below``/``above``: the 10th and 90th percentiles of the weekly relative error
    ``(actual - P50) / P50``. A week's range is the union of the two: the simulation's spread knows
    which week holds a large invoice; the relative error knows how far a week's cash strays when
    the simulation's spread is too tight (orders, lumpy payment runs)."""

    low: float = 1.0
    high: float = 1.0
    below: float = 0.0
    above: float = 0.0

    def as_metrics(self) -> dict[str, float]:
        return {k: round(getattr(self, k), 4) for k in ("low", "high", "below", "above")}

    @classmethod
    def from_metrics(cls, stored: dict[str, object]) -> RangeCalibration:
        """From a model's stored metrics; a model trained before the relative part has none."""
        if "low" not in stored:
            return cls()
        return cls(
            *(float(str(stored.get(k, d))) for k, d in (("low", 1), ("high", 1), ("below", 0), ("above", 0)))
        )

    def scaled(
        self, p10: NDArray[np.float64], p50: NDArray[np.float64], p90: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """The simulated range scaled by the factors (never below zero cash)."""
        return np.maximum(p50 - self.low * (p50 - p10), 0.0), p50 + self.high * (p90 - p50)

    def weekly(
        self, p10: NDArray[np.float64], p50: NDArray[np.float64], p90: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Weekly buckets' P10/P50/P90: the scaled range joined with the relative one."""
        lower, upper = self.scaled(p10, p50, p90)
        lower = np.minimum(lower, np.maximum(p50 * (1.0 + self.below), 0.0))
        upper = np.maximum(upper, p50 * (1.0 + self.above))
        return lower, p50, upper


def range_calibration(past: list[tuple[NDArray[np.int64], NDArray[np.float64]]]) -> RangeCalibration:
    """From earlier origins' (actual cash per day, weekly P10/P50/P90 bands): the factors that
    widen (or narrow) each side of the weekly range around its P50 so that 10 % of those weekly
    buckets fell below the P10 and 10 % above the P90 (split conformal), and the 10th and 90th
    percentiles of their relative error around the P50."""
    below, above, relative = [], [], []
    for actual, (p10, p50, p90) in past:
        weeks = actual[: len(p50) * 7].reshape(len(p50), 7).sum(axis=1).astype(np.float64)
        below.extend(((p50 - weeks) / np.maximum(p50 - p10, 1.0)).tolist())
        above.extend(((weeks - p50) / np.maximum(p90 - p50, 1.0)).tolist())
        sized = p50 >= 1.0  # a week expected to bring nothing has no relative error
        relative.extend(((weeks[sized] - p50[sized]) / p50[sized]).tolist())
    if not below:
        return RangeCalibration()
    low = max(float(np.quantile(below, HIGH)), MIN_SCALE)
    high = max(float(np.quantile(above, HIGH)), MIN_SCALE)
    if not relative:
        return RangeCalibration(low, high)
    down, up = np.quantile(relative, [LOW, HIGH])
    return RangeCalibration(low, high, min(float(down), 0.0), max(float(up), 0.0))
