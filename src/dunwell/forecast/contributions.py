"""Who the forecast's cash comes from, week by week (issue 19's "largest contributors").

The joint simulation gives totals; a CFO asking "why is week 3 so big?" needs the customers
behind it. A customer's expected cash in a week is the sum over its open invoices of the amount
times the chance it is paid at all times the chance its payment day falls in that week, read
from the same quantile curve the simulation draws from (``quantile_curve.days_at`` at evenly
spaced probability levels). Expectations add up across customers, quantiles do not: these are
means, and the table says so.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.joint import OpenBook
from dunwell.forecast.quantile_curve import days_at

#: Probability levels the curve is read at: the expected share per week is exact to 1/LEVELS.
LEVELS = 200
#: Invoices read at a time (LEVELS x CHUNK days in memory).
CHUNK = 20_000


def expected_by_customer_week(book: OpenBook, *, weeks: int) -> NDArray[np.float64]:
    """``[customers, weeks]``: each customer's expected cash (minor units, a statistic) per week
    after the origin (days 1-7 are week 1), from its open invoices."""
    customers = int(book.customer.max()) + 1 if len(book.customer) else 0
    result = np.zeros((customers, weeks))
    levels = (np.arange(LEVELS) + 0.5) / LEVELS
    for start in range(0, len(book.amount_minor), CHUNK):
        part = slice(start, start + CHUNK)
        days = np.ceil(days_at(book.p10[part, None], book.p50[part, None], book.p90[part, None], levels))
        week = (np.maximum(days, 1).astype(np.int64) - 1) // 7  # [n, LEVELS]
        expected = book.amount_minor[part] * (1.0 - book.p_never[part])  # cash if it is paid at all
        for w in range(weeks):
            share = (week == w).mean(axis=1)
            result[:, w] += np.bincount(book.customer[part], weights=expected * share, minlength=customers)
    return result


def largest(expected: NDArray[np.float64], week: int, count: int) -> list[tuple[int, float]]:
    """The ``count`` customers (dense index, expected cash) bringing the most in ``week`` (0-based),
    largest first; customers expected to bring nothing are left out."""
    column = expected[:, week]
    order = np.argsort(-column, kind="stable")[:count]
    return [(int(c), float(column[c])) for c in order if column[c] > 0]
