"""Point-in-time sums over sorted events: "what had happened in this group by day k", vectorised.

Each index sorts one kind of event (a payment, an issue, a due date) by (group, day) and keeps
prefix sums of values, so a query "group g, by day k" is one binary search and two subtractions,
for a million queries at once. Nothing reads past the searched position: a query can only ever
see events dated on or before its own day, which is how features stay free of leakage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_OFFSET = 1 << 20  # days before 1970 stay positive in the key
_SPAN = 1 << 25  # larger than every (day + offset), NEVER included


class EventIndex:
    """Events with a group and a day, sorted, with prefix sums of named values."""

    def __init__(
        self, group: np.ndarray, day: np.ndarray, values: dict[str, np.ndarray] | None = None
    ) -> None:
        order = np.lexsort((day, group))
        self.order = order
        self.group = group[order]
        self.day = day[order]
        self.key = self.group * _SPAN + (self.day + _OFFSET)
        self.sorted = {name: v[order] for name, v in (values or {}).items()}
        # Running sums restart in each group, so a group's sums never depend on other groups'
        # events: adding any event elsewhere, or later, leaves them bit-for-bit the same.
        groups = pd.Series(self.group)
        self.cumulative = {
            name: pd.Series(v, dtype=np.float64).groupby(groups, sort=False).cumsum().to_numpy()
            for name, v in self.sorted.items()
        }

    def __len__(self) -> int:
        return len(self.key)

    def first(self, group: np.ndarray) -> np.ndarray:
        """Position of each group's first event (where its range starts)."""
        return np.searchsorted(self.key, group * _SPAN, side="left")

    def through(self, group: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Position just after each group's last event on or before ``day``."""
        return np.asarray(np.searchsorted(self.key, group * _SPAN + (day + _OFFSET), side="right"))

    def total(
        self, name: str, start: np.ndarray, stop: np.ndarray, first: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum of ``name`` over positions ``[start, stop)`` of one group whose run starts at ``first``
        (default: ``start`` is the run's start)."""
        first = start if first is None else first
        return np.asarray(self._through(name, stop, first) - self._through(name, start, first))

    def _through(self, name: str, position: np.ndarray, first: np.ndarray) -> np.ndarray:
        cumulative = self.cumulative[name]
        if len(cumulative) == 0:
            return np.zeros(len(position))
        return np.where(position > first, cumulative[np.maximum(position - 1, 0)], 0.0)

    def last(self, name: str, start: np.ndarray, stop: np.ndarray, count: int) -> np.ndarray:
        """The values of the last ``count`` events in ``[start, stop)``, NaN-padded, newest first."""
        values = self.sorted[name].astype(np.float64)
        if len(values) == 0:
            return np.full((len(start), count), np.nan)
        positions = stop[:, None] - 1 - np.arange(count)[None, :]
        valid = positions >= start[:, None]
        return np.where(valid, values[np.clip(positions, 0, len(values) - 1)], np.nan)


class FirstAbove:
    """Within a sorted run of events, the first whose ``value`` exceeds a threshold (binary lifting
    over a sparse table of range maxima), e.g. the oldest-due invoice not yet paid on day k."""

    def __init__(self, values: np.ndarray, longest_run: int) -> None:
        self.levels = [values.astype(np.int64)]
        width = 1
        while width * 2 <= max(longest_run, 1):
            previous = self.levels[-1]
            shifted = np.concatenate((previous[width:], np.full(width, np.iinfo(np.int64).min)))
            self.levels.append(np.maximum(previous, shifted))
            width *= 2

    def find(self, start: np.ndarray, stop: np.ndarray, threshold: np.ndarray) -> np.ndarray:
        """For each query, the first position in ``[start, stop)`` with value > ``threshold``,
        or ``stop`` when there is none."""
        position = start.copy()
        for level in range(len(self.levels) - 1, -1, -1):
            step = 1 << level
            table = self.levels[level]
            fits = position + step <= stop
            block = table[np.where(fits, position, 0)] if len(table) else np.zeros(len(position), np.int64)
            position = np.where(fits & (block <= threshold), position + step, position)
        return position
