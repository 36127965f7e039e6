"""A payment day drawn from three quantiles (P10, P50, P90 of the days until payment).

The payment predictor gives three quantiles per invoice, not a distribution. The joint simulation
needs a draw for any probability level ``u``: the inverse distribution function is taken piecewise
linear through (0.1, P10), (0.5, P50) and (0.9, P90), and beyond them the tails continue with the
slope of the nearer segment, stretched (``TAIL_STRETCH``) because payment delays are right-skewed,
and floored at the first day. One level per invoice and draw is what lets invoices move together
(``joint``): the same ``u`` always means the same place in each invoice's own distribution.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

LEVELS = (0.1, 0.5, 0.9)
#: The upper tail (beyond P90) continues at this multiple of the P50-P90 slope; the lower tail at
#: the P10-P50 slope. Chosen for heavy right tails (late payers), not fitted to any data set.
TAIL_STRETCH = 2.0


def days_at(p10: NDArray[np.float64], p50: NDArray[np.float64], p90: NDArray[np.float64],
            u: NDArray[np.float64]) -> NDArray[np.float64]:  # fmt: skip
    """Days until payment at probability level ``u`` (broadcast against the quantiles), at least 0.
    Quantiles out of order are sorted first (P10 ≤ P50 ≤ P90), so a caller's rounding cannot
    produce a decreasing curve."""
    lo, mid, hi = np.sort(np.stack(np.broadcast_arrays(p10, p50, p90)), axis=0)
    low_slope = (mid - lo) / (LEVELS[1] - LEVELS[0])
    high_slope = (hi - mid) / (LEVELS[2] - LEVELS[1])
    lower = lo + (u - LEVELS[0]) * low_slope  # below the median, the lower tail included
    upper = mid + (u - LEVELS[1]) * high_slope
    upper_tail = hi + (u - LEVELS[2]) * high_slope * TAIL_STRETCH
    days = np.where(u < LEVELS[1], lower, np.where(u < LEVELS[2], upper, upper_tail))
    return np.asarray(np.maximum(days, 0.0), dtype=np.float64)


def level_at(p10: NDArray[np.float64], p50: NDArray[np.float64], p90: NDArray[np.float64],
             days: float) -> NDArray[np.float64]:  # fmt: skip
    """The inverse of ``days_at``: the share of draws (levels) whose day is at most ``days``, i.e.
    the chance the curve puts on payment within that many days."""
    lo, mid, hi = np.sort(np.stack(np.broadcast_arrays(p10, p50, p90)), axis=0)
    low_slope = (mid - lo) / (LEVELS[1] - LEVELS[0])
    high_slope = (hi - mid) / (LEVELS[2] - LEVELS[1])
    tail_slope = high_slope * TAIL_STRETCH
    with np.errstate(divide="ignore", invalid="ignore"):
        # A flat segment (two equal quantiles) holds its whole share at one day: reached or not.
        lower = np.where(low_slope > 0, LEVELS[0] + (days - lo) / low_slope, np.where(days >= lo, 0.5, 0.0))
        upper = np.where(high_slope > 0, LEVELS[1] + (days - mid) / high_slope, LEVELS[2])
        tail = np.where(tail_slope > 0, LEVELS[2] + (days - hi) / tail_slope, 1.0)
    level = np.where(days < mid, np.clip(lower, 0.0, LEVELS[1]),
                     np.where(days < hi, upper, np.clip(tail, LEVELS[2], 1.0)))  # fmt: skip
    return np.asarray(level, dtype=np.float64)
