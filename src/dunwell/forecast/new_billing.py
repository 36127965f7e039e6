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
#: Past run-rates are judged on the weekly anchors of this many days (whose horizon is over), at
#: least this many of them.
LEVEL_LOOKBACK_DAYS = 364
MIN_ANCHORS = 8


@dataclass(frozen=True, slots=True)
class BillingPattern:
    rate_per_day: float  # minor units billed per day, trailing mean
    weekly_cv: float  # spread of the weekly billing totals (std / mean)
    #: pmf[k]: share of billed amount paid k days after issue (k = 0..horizon-1); the rest is paid
    #: later or never.
    pmf: NDArray[np.float64]
    #: Spread (std / mean) of the whole horizon's billing against the trailing run-rate, as past
    #: run-rates missed it: the rate is an estimate and billing drifts, so every week of a draw
    #: moves with one level multiplier too, not only with its own (0: not measurable yet).
    level_cv: float = 0.0


def billing_pattern(
    issue_day: NDArray[np.int64],
    paid_day: NDArray[np.int64],
    amount_minor: NDArray[np.int64],
    *,
    origin: int,
    horizon_days: int,
) -> BillingPattern:
    """From invoices as known at the end of ``origin`` (``paid_day`` after it counts as unpaid)."""
    weeks = _weeks(issue_day, amount_minor, origin)
    mean = float(weeks.mean())
    cv = _weekly_cv(issue_day, amount_minor, origin)
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
    return BillingPattern(mean / 7.0, cv, pmf, _level_cv(issue_day, amount_minor, origin, horizon_days))


def _level_cv(
    issue_day: NDArray[np.int64], amount_minor: NDArray[np.int64], origin: int, horizon: int
) -> float:
    """How far the billing of a horizon strayed from the run-rate of the ``RATE_WEEKS`` before it,
    on the weekly anchors of the ``LEVEL_LOOKBACK_DAYS`` whose horizon was over by the origin (log
    ratios' spread, the weekly noise the simulation draws anyway taken out)."""
    span = RATE_WEEKS * 7
    first = int(issue_day.min(initial=origin))
    anchors = np.arange(origin - horizon, origin - horizon - LEVEL_LOOKBACK_DAYS, -7)
    anchors = anchors[anchors - span >= first]
    if len(anchors) < MIN_ANCHORS:
        return 0.0
    order = np.argsort(issue_day)
    days, cumulative = (
        issue_day[order],
        np.concatenate([[0.0], np.cumsum(amount_minor[order], dtype=np.float64)]),
    )

    def billed(
        low: NDArray[np.int64], high: NDArray[np.int64]
    ) -> NDArray[np.float64]:  # issued in (low, high]
        return np.asarray(
            cumulative[np.searchsorted(days, high, side="right")]
            - cumulative[np.searchsorted(days, low, side="right")]
        )

    before, after = billed(anchors - span, anchors) * horizon / span, billed(anchors, anchors + horizon)
    ok = (before > 0) & (after > 0)
    if ok.sum() < MIN_ANCHORS:
        return 0.0
    ratios = np.log(after[ok] / before[ok])
    weekly = _weekly_cv(issue_day, amount_minor, origin)
    own = np.log1p(weekly**2) / max(horizon / 7, 1.0)  # the weekly draws' own share of that spread
    variance = max(float(np.mean(ratios**2)) - own, 0.0)
    return float(np.sqrt(np.expm1(variance)))


def _weeks(issue_day: NDArray[np.int64], amount_minor: NDArray[np.int64], origin: int) -> NDArray[np.float64]:
    """The billing of each of the ``RATE_WEEKS`` weeks up to the origin."""
    start = origin - RATE_WEEKS * 7
    recent = (issue_day > start) & (issue_day <= origin)
    return np.asarray(
        np.bincount((issue_day[recent] - start - 1) // 7, weights=amount_minor[recent], minlength=RATE_WEEKS),
        dtype=np.float64,
    )


def _weekly_cv(issue_day: NDArray[np.int64], amount_minor: NDArray[np.int64], origin: int) -> float:
    weeks = _weeks(issue_day, amount_minor, origin)
    mean = float(weeks.mean())
    return float(weeks.std(ddof=1) / mean) if mean > 0 and len(weeks) > 1 else 0.0


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
    level = float(np.sqrt(np.log1p(pattern.level_cv**2)))
    if level > 0:  # one multiplier for the whole horizon of a draw, the mean kept
        multiplier *= rng.lognormal(-level * level / 2, level, size=(draws, 1))
    billed = pattern.rate_per_day * np.repeat(multiplier, 7, axis=1)[:, :horizon_days]  # day d = 1..H
    collect = collection_matrix(pattern.pmf, horizon_days)
    return np.asarray(np.rint(billed @ collect), dtype=np.int64)


def collection_matrix(pmf: NDArray[np.float64], horizon_days: int) -> NDArray[np.float64]:
    """``[H, H]``: billing on day ``d`` (row) paid on day ``d + k`` (column) with share ``pmf[k]``."""
    shares = np.zeros(horizon_days)
    shares[: min(horizon_days, len(pmf))] = pmf[:horizon_days]
    lag = np.arange(horizon_days)[None, :] - np.arange(horizon_days)[:, None]
    return np.where(lag >= 0, shares[np.clip(lag, 0, horizon_days - 1)], 0.0)
