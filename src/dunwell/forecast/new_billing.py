"""Cash from invoices not yet issued at the origin (issue 19): the trailing run-rate of billing,
collected with the book's own issue-to-payment pattern.

``billing_pattern`` reads both from what was known at the origin: the billing of the last
``RATE_WEEKS`` weeks (its mean per day, and how much the weekly totals vary), and the days from
issue to payment of invoices issued long enough ago that a full horizon of their outcome is known
(so recent, not yet paid invoices do not make the pattern look quick). ``simulate_new_billing``
draws a billing multiplier per week (log-normal with the observed spread) and collects each day's
billing along the pattern. The rates are statistics in minor units; the cash it returns is whole
minor units per day and draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

RATE_WEEKS = 13
#: Invoices issued this many days before the horizon's start make the pattern (a quarter of them).
PATTERN_WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class BillingPattern:
    rate_per_day: float  # minor units billed per day, trailing mean
    weekly_cv: float  # spread of the weekly billing totals (std / mean)
    #: pmf[k]: share of billed amount paid k days after issue (k = 0..horizon-1); the rest is paid
    #: later or never.
    pmf: NDArray[np.float64]


def billing_pattern(
    issue_day: NDArray[np.int64],
    paid_day: NDArray[np.int64],
    amount_minor: NDArray[np.int64],
    *,
    origin: int,
    horizon_days: int,
) -> BillingPattern:
    """From invoices as known at the end of ``origin`` (``paid_day`` after it counts as unpaid)."""
    start = origin - RATE_WEEKS * 7
    recent = (issue_day > start) & (issue_day <= origin)
    weeks = np.bincount(
        ((issue_day[recent] - start - 1) // 7), weights=amount_minor[recent], minlength=RATE_WEEKS
    )
    mean = float(weeks.mean())
    cv = float(weeks.std(ddof=1) / mean) if mean > 0 and len(weeks) > 1 else 0.0
    first, last = origin - horizon_days - PATTERN_WINDOW_DAYS, origin - horizon_days
    settled = (issue_day > first) & (issue_day <= last)
    days = paid_day[settled] - issue_day[settled]
    amounts = amount_minor[settled].astype(np.float64)
    inside = (paid_day[settled] <= origin) & (days >= 0) & (days < horizon_days)
    pmf = np.zeros(horizon_days)
    total = amounts.sum()
    if total > 0:
        pmf = (
            np.bincount(days[inside], weights=amounts[inside], minlength=horizon_days)[:horizon_days] / total
        )
    return BillingPattern(mean / 7.0, cv, pmf)


def simulate_new_billing(
    pattern: BillingPattern, *, horizon_days: int, draws: int, seed: int
) -> NDArray[np.int64]:
    """Cash per day for days 1..``horizon_days`` from invoices issued on those days: ``[draws, horizon]``."""
    rng = np.random.default_rng(seed)
    weeks = -(-horizon_days // 7)
    sigma = float(np.sqrt(np.log1p(pattern.weekly_cv**2)))  # log-normal with that coefficient of variation
    multiplier = (
        rng.lognormal(-sigma * sigma / 2, sigma, size=(draws, weeks))
        if sigma > 0
        else np.ones((draws, weeks))
    )
    billed = pattern.rate_per_day * np.repeat(multiplier, 7, axis=1)[:, :horizon_days]  # day d = 1..H
    pmf = np.zeros(horizon_days)
    pmf[: min(horizon_days, len(pattern.pmf))] = pattern.pmf[:horizon_days]
    # Billed on day d (1-based) and paid k days later lands on day d + k.
    lags = np.arange(horizon_days)
    collect = np.zeros((horizon_days, horizon_days))
    for d in range(horizon_days):
        reach = lags[: horizon_days - d]
        collect[d, d + reach] = pmf[reach]
    return np.asarray(np.rint(billed @ collect), dtype=np.int64)
