"""How strongly a customer's invoices move together, estimated from a book's settled history (the
``rho`` of the joint simulation's copula, ADR 0033).

Each settled invoice's delay (days from due date to payment) is taken relative to its customer's
median delay in the window, so a customer that is always late does not count as "moving
together"; the residuals become normal scores (ranks: delays are heavy-tailed); and ``rho`` is the
correlation of those scores between invoices of one customer due within ``PAIR_DAYS`` of each
other, i.e. invoices that are open at the same time and share a slipped payment run or a cash
squeeze. That is the copula's meaning: the latent correlation of two invoices of a customer beyond
what the customer's usual delay (which the predictor knows) explains. Too few pairs: the fallback.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

#: The stated value used when a book has too little settled history to measure it.
FALLBACK_RHO = 0.3
#: Two invoices of a customer due this close together are open together.
PAIR_DAYS = 28
#: Each invoice is paired with at most this many later ones (a customer with thousands of invoices
#: a month would otherwise make millions of pairs saying the same thing).
NEIGHBOURS = 5
MIN_PAIRS = 50
#: The estimate stays inside the copula's range with room: 0.9 already makes a customer one block.
MAX_RHO = 0.9


def pair_correlation(
    customer: NDArray[np.int64],
    due: NDArray[np.int64],
    delay: NDArray[np.int64],
    *,
    fallback: float = FALLBACK_RHO,
) -> float:
    """``rho`` from settled invoices (their customer, due day and days paid after it)."""
    n = len(delay)
    if n < 2:
        return fallback
    _, dense, counts = np.unique(customer, return_inverse=True, return_counts=True)
    order = np.lexsort((due, dense))
    dense, due, delay = dense[order], due[order], delay[order].astype(np.float64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # The customer's median delay (its own level, which the predictor already knows) is taken out.
    medians = np.array([np.median(delay[s : s + c]) for s, c in zip(starts, counts, strict=True)])
    residual = delay - medians[dense]
    ranks = np.argsort(np.argsort(residual, kind="stable"), kind="stable")
    scores = ndtri((ranks + 0.5) / n)
    left, right, sizes = [], [], []
    for lag in range(1, NEIGHBOURS + 1):
        same = (dense[lag:] == dense[:-lag]) & (due[lag:] - due[:-lag] <= PAIR_DAYS)
        left.append(scores[:-lag][same])
        right.append(scores[lag:][same])
        sizes.append(counts[dense[lag:][same]])
    a, b = np.concatenate(left), np.concatenate(right)
    if len(a) < MIN_PAIRS:
        return fallback
    # Both orders of each pair: the correlation is symmetric in its two invoices.
    x, y = np.concatenate([a, b]), np.concatenate([b, a])
    found = float(np.corrcoef(x, y)[0, 1])
    if not np.isfinite(found):
        return fallback
    # Taking out each customer's own level leaves n residuals that sum to about zero, which pulls
    # the correlation of two of them down by about 1 / (n - 1): put that back.
    pull = float(np.mean(1.0 / np.maximum(np.concatenate(sizes) - 1, 1)))
    found = (found + pull) / (1.0 + pull)
    return float(np.clip(found, 0.0, MAX_RHO))
