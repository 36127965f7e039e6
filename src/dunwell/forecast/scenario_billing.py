"""New billing per customer for the what-if scenarios (issue 19): the run-rate engine of
``new_billing``, with each customer's billing scaled, its collection pattern shifted, and a share
of it paid on a fixed day at a discount.

The weekly billing multiplier is drawn exactly as ``new_billing.simulate_new_billing`` draws it
(same generator, same calls, same shape), so a plan that changes nothing gives the same cash as
that engine, and two plans run on one seed see the same weeks of billing: the difference between
them is the change, never noise (common random numbers).

Every customer's billing is collected along the book's issue-to-payment pattern (``pmf``); a plan
only moves or scales it. Customers with the same change share one collection matrix, so the cost is
one matrix product per draw whatever the number of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.new_billing import BillingPattern, collection_matrix


@dataclass(frozen=True, slots=True)
class BillingPlan:
    """Per customer (arrays of one length): how its billing after the origin is changed.

    ``scale``: share of its run-rate still billed (1 = unchanged); ``shift_days``: days its
    collection pattern moves (positive: later); ``fixed_share``: share of its billing paid exactly
    ``fixed_day`` days after issue instead (an early-payment discount taken), of which
    ``fixed_cash`` is received as cash (the rest is the discount: it clears the receivable without
    cash).
    """

    scale: NDArray[np.float64]
    shift_days: NDArray[np.int64]
    fixed_share: NDArray[np.float64]
    fixed_day: NDArray[np.int64]
    fixed_cash: NDArray[np.float64]

    @classmethod
    def unchanged(cls, customers: int) -> BillingPlan:
        return cls(
            scale=np.ones(customers),
            shift_days=np.zeros(customers, dtype=np.int64),
            fixed_share=np.zeros(customers),
            fixed_day=np.zeros(customers, dtype=np.int64),
            fixed_cash=np.ones(customers),
        )


@dataclass(frozen=True, slots=True)
class BilledCash:
    """What new billing brings over the horizon, per draw and day (whole minor units)."""

    cash: NDArray[np.int64]  # [draws, horizon]: cash received
    cleared: NDArray[np.int64]  # [draws, horizon]: receivable cleared (cash plus discounts given)
    billed: NDArray[np.float64]  # [draws, horizon]: billed per day (a statistic, minor units)


def shifted_pmf(pmf: NDArray[np.float64], shift: int, horizon_days: int) -> NDArray[np.float64]:
    """The pattern paid ``shift`` days later (earlier when negative), cut to the horizon. What moves
    before the issue day is paid on it; what the pattern holds beyond the horizon is unknown, so an
    earlier shift cannot bring it in (the shifted pattern is short by that much)."""
    base = np.zeros(horizon_days)
    base[: min(horizon_days, len(pmf))] = pmf[:horizon_days]
    out = np.zeros(horizon_days)
    lags = np.arange(horizon_days) + shift
    inside = lags < horizon_days
    np.add.at(out, np.maximum(lags[inside], 0), base[inside])
    return out


def billing_multiplier(
    pattern: BillingPattern, *, horizon_days: int, draws: int, seed: int
) -> NDArray[np.float64]:
    """Per draw and day, the week's billing multiplier: ``new_billing``'s own draw, call for call."""
    rng = np.random.default_rng(seed)
    weeks = -(-horizon_days // 7)
    sigma = float(np.sqrt(np.log1p(pattern.weekly_cv**2)))
    multiplier = (
        rng.lognormal(-sigma * sigma / 2, sigma, size=(draws, weeks))
        if sigma > 0
        else np.ones((draws, weeks))
    )
    return np.asarray(np.repeat(multiplier, 7, axis=1)[:, :horizon_days], dtype=np.float64)


def simulate_plan(
    pattern: BillingPattern,
    billing_per_day: NDArray[np.float64],
    plan: BillingPlan,
    *,
    horizon_days: int,
    draws: int,
    seed: int,
) -> BilledCash:
    """Cash and cleared receivable per day for days 1..``horizon_days`` from invoices issued on those
    days, each customer billing ``billing_per_day`` (minor units) changed by ``plan``."""
    multiplier = billing_multiplier(pattern, horizon_days=horizon_days, draws=draws, seed=seed)
    rate = billing_per_day * plan.scale
    normal = rate * (1.0 - plan.fixed_share)
    fixed = rate * plan.fixed_share
    # One matrix per change: Σ over groups of rate x collection matrix of the group's lags.
    cash_matrix = np.zeros((horizon_days, horizon_days))
    cleared_matrix = np.zeros((horizon_days, horizon_days))
    for shift in np.unique(plan.shift_days):
        group_rate = float(normal[plan.shift_days == shift].sum())
        if group_rate:
            collect = collection_matrix(shifted_pmf(pattern.pmf, int(shift), horizon_days), horizon_days)
            cash_matrix += group_rate * collect
            cleared_matrix += group_rate * collect
    for day, cash_share in sorted(
        {(int(d), float(c)) for d, c in zip(plan.fixed_day, plan.fixed_cash, strict=True)}
    ):
        chosen = (plan.fixed_day == day) & (plan.fixed_cash == cash_share)
        group_rate = float(fixed[chosen].sum())
        if group_rate:
            on_day = np.zeros(horizon_days)
            if 0 <= day < horizon_days:
                on_day[day] = 1.0
            collect = collection_matrix(on_day, horizon_days)
            cash_matrix += group_rate * cash_share * collect
            cleared_matrix += group_rate * collect
    return BilledCash(
        cash=np.asarray(np.rint(multiplier @ cash_matrix), dtype=np.int64),
        cleared=np.asarray(np.rint(multiplier @ cleared_matrix), dtype=np.int64),
        billed=np.asarray(multiplier * float(rate.sum()), dtype=np.float64),
    )
