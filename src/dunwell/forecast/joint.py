"""Joint simulation of the cash the open book brings in, day by day (issue 19, ADR 0033).

Each draw gives every invoice a probability level from a Gaussian copula: one latent factor per
customer shared by its invoices (weight ``rho``) plus one of the invoice's own, so a customer's
invoices tend to come early or late together, as they do when a payment run slips or cash gets
tight. The level becomes a payment day through the invoice's own quantiles (``quantile_curve``);
with probability ``p_never`` (its own draw, on the same customer factor) the invoice is not paid
at all. Summing the amounts by day per draw gives the distribution of the total, whose quantiles
are the range: summing per-invoice quantiles instead would claim every invoice at its P10 at
once, a far wider (and wrong) range for a book of many invoices.

Amounts are integer minor units; the per-day sums are exact integers (``np.int64``) per draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from dunwell.forecast.quantile_curve import days_at

#: Draws simulated together: memory is draws x invoices levels at a time.
CHUNK_CELLS = 4_000_000


@dataclass(frozen=True, slots=True)
class OpenBook:
    """The invoices open at the origin, in one currency: days until payment are counted from the
    origin (day 1 is the first day after it)."""

    amount_minor: NDArray[np.int64]
    p10: NDArray[np.float64]
    p50: NDArray[np.float64]
    p90: NDArray[np.float64]
    p_never: NDArray[np.float64]
    customer: NDArray[np.int64]  # a dense index 0..n_customers-1

    def __post_init__(self) -> None:
        n = len(self.amount_minor)
        for name in ("p10", "p50", "p90", "p_never", "customer"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"OpenBook.{name} has {len(getattr(self, name))} values for {n} invoices")
        if n and (self.amount_minor < 0).any():
            raise ValueError("an open amount is negative: credits are not cash to come")


def simulate_daily(
    book: OpenBook, *, horizon_days: int, draws: int, rho: float, seed: int
) -> NDArray[np.int64]:
    """Cash per day for days 1..``horizon_days`` after the origin: an array ``[draws, horizon]``."""
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"rho must be in [0, 1), not {rho}")
    rng = np.random.default_rng(seed)
    result = np.zeros((draws, horizon_days), dtype=np.int64)
    n = len(book.amount_minor)
    if n == 0 or draws == 0:
        return result
    customers = int(book.customer.max()) + 1
    # Latent = sqrt(rho) * customer + sqrt(1 - rho) * invoice: two invoices of one customer
    # correlate at rho on the latent scale.
    shared_weight, own = np.sqrt(rho), np.sqrt(1.0 - rho)
    step = max(1, CHUNK_CELLS // n)
    for start in range(0, draws, step):
        size = min(step, draws - start)
        shared = rng.standard_normal((size, customers))
        common = shared_weight * shared[:, book.customer]
        levels = ndtr(common + own * rng.standard_normal((size, n)))
        # Not paying at all shares the customer's factor: a customer in trouble misses late and
        # never pays on the same side of the draw.
        never = ndtr(-common + own * rng.standard_normal((size, n))) < book.p_never
        days = np.ceil(days_at(book.p10, book.p50, book.p90, levels)).astype(np.int64)
        days = np.maximum(days, 1)
        inside = (days <= horizon_days) & ~never
        rows = np.broadcast_to(np.arange(size)[:, None], days.shape)
        cells = rows[inside] * horizon_days + (days[inside] - 1)
        weights = np.broadcast_to(book.amount_minor, days.shape)[inside]
        # np.bincount sums weights in float64: exact for totals below 2**53 minor units.
        summed = np.bincount(cells, weights=weights, minlength=size * horizon_days)
        result[start : start + size] = np.rint(summed).astype(np.int64).reshape(size, horizon_days)
    return result


def weekly(daily: NDArray[np.int64], weeks: int) -> NDArray[np.int64]:
    """Sum days into weeks (days 1-7 are week 1): ``[draws, weeks]``."""
    draws, horizon = daily.shape
    if horizon < weeks * 7:
        raise ValueError(f"{horizon} days do not make {weeks} weeks")
    return np.asarray(daily[:, : weeks * 7].reshape(draws, weeks, 7).sum(axis=2), dtype=np.int64)


def quantiles(cash: NDArray[np.int64], levels: tuple[float, ...] = (0.1, 0.5, 0.9)) -> NDArray[np.int64]:
    """Per bucket, the cash at each level over the draws (``[levels, buckets]``, whole minor units)."""
    found = np.rint(np.quantile(cash, levels, axis=0, method="linear")).astype(np.int64)
    return np.asarray(found, dtype=np.int64)
