"""Which of a customer's open items add up to a payment: bounded subset sums in integer cents.

Every subset of the (at most ``MAX_ITEMS``) candidate items is enumerated at once with numpy:
the sums of 2^16 subsets take microseconds, where a Python search over them would take a
hundred milliseconds per payment. Items beyond the bound (large accounts) are left to the
references: nobody pays 17 invoices with no remittance and expects a machine to guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_ITEMS = 16  # items considered per customer (the caller orders them, oldest due first)
MAX_RESULTS = 4  # combinations returned: more than one already means "ambiguous"


@dataclass(frozen=True, slots=True)
class Combination:
    indices: tuple[int, ...]  # positions in the values given
    total: int


def combinations_near(values: Sequence[int], target: int, *, tolerance: int = 0) -> list[Combination]:
    """Non-empty subsets of ``values`` whose total lies in ``[target, target + tolerance]``,
    closest first, then fewest items; at most ``MAX_RESULTS``. ``values`` may hold negative
    amounts (credit memos netted)."""
    chosen = np.asarray(values[:MAX_ITEMS], dtype=np.int64)
    sums = np.zeros(1, dtype=np.int64)
    for value in chosen:  # subset i holds item j when bit j of i is set
        sums = np.concatenate((sums, sums + value))
    hits = np.flatnonzero((sums >= target) & (sums <= target + tolerance))
    hits = hits[hits > 0]
    if len(hits) == 0:
        return []
    sizes = np.array([int(h).bit_count() for h in hits])
    order = np.lexsort((sizes, sums[hits] - target))[:MAX_RESULTS]
    return [
        Combination(tuple(j for j in range(len(chosen)) if int(hits[k]) >> j & 1), int(sums[hits[k]]))
        for k in order
    ]
