"""Which of a customer's open items add up to a payment: bounded subset sums in integer cents.

Every subset of the (at most ``MAX_ITEMS``) candidate items is enumerated at once with numpy:
the sums of 2^16 subsets take microseconds, where a Python search over them would take a
hundred milliseconds per payment. Items beyond the bound (large accounts) are left to the
references: nobody pays 17 invoices with no remittance and expects a machine to guess.

One table of sums answers every question asked of the same items: exact or short (a bank fee),
over (a payment a little too large) and partial (one item paid in part, the others in full).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

MAX_ITEMS = 16  # items considered per customer (the caller orders them, oldest due first)
MAX_RESULTS = 4  # combinations returned: more than one already means "ambiguous"
#: The shares of an invoice customers pay as an instalment: tenths, quarters and thirds.
ROUND_SHARES = tuple(
    sorted(
        {Fraction(k, 10) for k in range(1, 10)}
        | {Fraction(1, 4), Fraction(3, 4)}
        | {Fraction(1, 3), Fraction(2, 3)}
    )
)


@dataclass(frozen=True, slots=True)
class Combination:
    indices: tuple[int, ...]  # positions in the values given
    total: int


@dataclass(frozen=True, slots=True)
class PartialFit:
    """``partial`` (a position) paid at ``share`` of its amount (``paid``), ``full`` in full."""

    partial: int
    share: Fraction
    paid: int
    full: tuple[int, ...]


class SubsetSums:
    """The totals of every subset of ``values`` (the first ``MAX_ITEMS``); negative values are
    credit memos netted against invoices."""

    def __init__(self, values: Sequence[int]) -> None:
        self.values = [int(v) for v in values[:MAX_ITEMS]]
        sums = np.zeros(1 << len(self.values), dtype=np.int64)
        for j, value in enumerate(self.values):  # subset i holds item j when bit j of i is set
            sums[1 << j : 2 << j] = sums[: 1 << j] + value
        self.sums = sums
        self._sorted: np.ndarray | None = None

    def near(
        self, target: int, *, tolerance: int = 0, below: int = 0, fewest_first: bool = False
    ) -> list[Combination]:
        """Non-empty subsets whose total lies in ``[target - below, target + tolerance]``,
        closest first, then fewest items (or the other way round); at most ``MAX_RESULTS``."""
        sums = self.sums
        hits = np.flatnonzero((sums >= target - below) & (sums <= target + tolerance))
        hits = hits[hits > 0]
        if len(hits) == 0:
            return []
        sizes = np.array([int(h).bit_count() for h in hits])
        distance = np.abs(sums[hits] - target)
        keys = (distance, sizes) if fewest_first else (sizes, distance)
        order = np.lexsort(keys)[:MAX_RESULTS]
        return [self._combination(int(hits[k])) for k in order]

    def exact(self, target: int, *, sizes: range, most: int = MAX_RESULTS) -> list[Combination]:
        """Subsets of ``sizes`` items totalling ``target`` exactly (at most ``most`` of them)."""
        hits = np.flatnonzero(self.sums == target)
        found = [self._combination(int(h)) for h in hits if int(h).bit_count() in sizes]
        return found[:most]

    def partials(
        self,
        target: int,
        *,
        shares: Sequence[Fraction] = ROUND_SHARES,
        including: Sequence[int] = (),
        extra: Sequence[int] = (),
    ) -> list[PartialFit]:
        """Readings of ``target`` as one item paid at a round share plus other items in full
        (to the minor unit either way, as shares are rounded), each holding every position in
        ``including`` (in full or in part); fewest items first. ``extra`` values (positions after
        the subset's) may be the item paid in part, never one paid in full: an older instalment's
        remainder beside the items a large account pays today."""
        required = sum(1 << j for j in including)
        whole = [*self.values, *(int(v) for v in extra)]
        values = np.asarray(whole, dtype=np.int64)
        if not len(values) or values.max() <= 0:
            return []
        numerators = np.array([s.numerator for s in shares], dtype=np.int64)
        denominators = np.array([s.denominator for s in shares], dtype=np.int64)
        # Every (item, share) at once: the part paid, rounded half up in integer arithmetic.
        paid = (2 * values[:, None] * numerators + denominators) // (2 * denominators)
        usable = (values[:, None] > 0) & (paid > 0) & (paid < values[:, None]) & (paid <= target + 1)
        items, which = np.nonzero(usable)
        if not len(items):
            return []
        if self._sorted is None:
            self._sorted = np.sort(self.sums)  # which rests occur at all (most do not)
        rests = target - paid[items, which]
        low = np.searchsorted(self._sorted, rests - 1, side="left")
        high = np.searchsorted(self._sorted, rests + 1, side="right")
        found: list[PartialFit] = []
        for k in np.flatnonzero(high > low):
            j, share, part = int(items[k]), shares[int(which[k])], int(paid[items[k], which[k]])
            rest = int(rests[k])
            for hit in np.flatnonzero((self.sums >= rest - 1) & (self.sums <= rest + 1)):
                mask = int(hit)
                if mask >> j & 1 or required & ~(mask | 1 << j):
                    continue  # the item paid in part is not also paid in full; all required present
                rounding = target - part - int(self.sums[mask])  # -1..1: the rounding of the share
                found.append(PartialFit(j, share, part + rounding, self._combination(mask).indices))
        found.sort(key=lambda f: (len(f.full), abs(f.paid - round(whole[f.partial] * f.share))))
        return found[:MAX_RESULTS]

    def _combination(self, mask: int) -> Combination:
        return Combination(tuple(j for j in range(len(self.values)) if mask >> j & 1), int(self.sums[mask]))
