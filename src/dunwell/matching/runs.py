"""A payment run: the items a customer's payables system paid together, read from the amount.

A large customer's AP run pays everything falling due up to a cut-off, less the items it holds
back (disputed, blocked, paid separately), in one transfer, often with no remittance or with a
few numbers quoted. In due order those items are a *window* of the customer's open items with
at most a few held back inside it. The subset search (``amounts``) is bounded at 16 items, and
among many items it finds sets that add up by chance; windows are few (n(n-1)/2 for n items) and
a window adding up to the cent, or a bank fee in whole units short, is a reading a person checks
first. Found for the engine to suggest, never applied without a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Readings returned (more than one already means "ambiguous").
MAX_RUNS = 3
#: A window is at least this many items (one or two items are the subset search's to find).
MIN_RUN = 3


@dataclass(frozen=True, slots=True)
class Run:
    """Positions ``start``..``end`` (inclusive) in due order, less those ``held`` back; the
    amount is ``short`` (a fee) less than their total."""

    start: int
    end: int
    held: tuple[int, ...]
    short: int

    @property
    def indices(self) -> tuple[int, ...]:
        return tuple(j for j in range(self.start, self.end + 1) if j not in self.held)


def due_runs(values: Sequence[int], amount: int, *, fee: int, unit: int) -> list[Run]:
    """Windows of ``values`` (open amounts in due order) totalling ``amount`` exactly, or with one
    item held back inside the window, or (none held) a fee in whole ``unit`` s short (at most
    ``fee``); exact readings first, then the fewest held, then the smallest fee."""
    n = len(values)
    if n < MIN_RUN:
        return []
    v = np.asarray(values, dtype=np.int64)
    prefix = np.concatenate(([0], np.cumsum(v)))
    # totals[i, j] = sum of values[i..j]; only j >= i + MIN_RUN - 1 are windows.
    starts, ends = np.triu_indices(n, k=MIN_RUN - 1)
    gaps = prefix[ends + 1] - prefix[starts] - amount
    found: list[Run] = []
    for k in np.flatnonzero(gaps == 0):
        found.append(Run(int(starts[k]), int(ends[k]), (), 0))
    whole_fee = (gaps > 0) & (gaps <= fee) & (gaps % unit == 0)
    for k in np.flatnonzero(whole_fee):
        found.append(Run(int(starts[k]), int(ends[k]), (), int(gaps[k])))
    # One item held back strictly inside the window (at an end it is a smaller window).
    inside = (gaps > 0) & (ends - starts >= MIN_RUN) & np.isin(gaps, v)
    positions: dict[int, list[int]] = {}
    for j, value in enumerate(values):
        positions.setdefault(int(value), []).append(j)
    for k in np.flatnonzero(inside):
        start, end = int(starts[k]), int(ends[k])
        for j in positions.get(int(gaps[k]), ()):
            if start < j < end:
                found.append(Run(start, end, (j,), 0))
    found.sort(key=lambda r: (r.short > 0, len(r.held), r.short, r.end - r.start))
    return found[: MAX_RUNS + 1]
