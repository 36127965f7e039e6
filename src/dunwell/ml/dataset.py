"""Training rows from a history as known on one day: landmarks, outcomes, censoring, weights.

Every invoice issued by the last known day gives a row *at issue* and, while it stays open, a
row at each landmark after its due date (due + 0, 15, 30, 60): the model learns what the payment
date looks like for an invoice still open at that age, which is what scoring an overdue book
asks. An invoice paid by the last known day has an observed delay; one still open is censored:
its delay is only known to exceed ``bound`` (last known day - due date).

Censored rows are not dropped. The timing model weights each observed delay by the inverse
probability that a delay that long could have been observed (IPCW: ``1 / G(delay)``, with ``G``
the share of rows of the same landmark whose censoring bound reaches it), and treats invoices
open beyond ``max_delay`` days as paid at ``max_delay`` (the write-off horizon). The risk model
uses, per threshold, the rows whose outcome is decided: those whose bound reaches the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dunwell.ml.features import Queries
from dunwell.ml.history import InvoiceHistory

LANDMARKS_AFTER_DUE = (0, 15, 30, 60)
MAX_WEIGHT = 20.0


@dataclass(frozen=True)
class TrainingRows:
    queries: Queries
    delay: np.ndarray  # observed delay (days after due); the bound where censored
    observed: np.ndarray  # bool
    bound: np.ndarray  # last known day - due date: a delay above it could not be seen
    landmark: np.ndarray  # -1 at issue, else days after due

    def __len__(self) -> int:
        return len(self.delay)

    def timing_weights(self, max_delay: int) -> tuple[np.ndarray, np.ndarray]:
        """Targets and IPCW weights for the timing model (weight 0: not used)."""
        target = np.where(self.observed, np.minimum(self.delay, max_delay), max_delay).astype(np.float64)
        weight = np.zeros(len(self), dtype=np.float64)
        for landmark in np.unique(self.landmark):
            group = self.landmark == landmark
            bounds = np.sort(self.bound[group])
            seen = group & self.observed
            # G(d): the share of this landmark's rows whose bound is at least d.
            reach = 1.0 - np.searchsorted(bounds, self.delay[seen], side="left") / len(bounds)
            weight[seen] = np.minimum(1.0 / np.maximum(reach, 1.0 / MAX_WEIGHT), MAX_WEIGHT)
        long_open = ~self.observed & (self.bound >= max_delay)
        weight[long_open] = 1.0  # open past the write-off horizon: its outcome is decided
        return target, weight

    def decided(self, threshold: int) -> np.ndarray:
        """Rows whose "paid more than ``threshold`` days late" is known (their bound reaches it)."""
        return self.bound >= threshold

    def late_label(self, threshold: int) -> np.ndarray:
        return np.where(self.observed, self.delay > threshold, True)


def training_rows(
    history: InvoiceHistory, *, known_until: int, staleness_days: int = 0, random_state: int = 0
) -> TrainingRows:
    """Rows for every invoice issued on or before ``known_until``, outcomes as known that day.

    ``staleness_days`` > 0 draws, for the row at issue, a knowledge day up to that many days
    earlier, so a model used on invoices issued after its cutoff (a backtest) has seen rows
    whose customer history was as old.
    """
    rng = np.random.default_rng(random_state)
    candidates = np.flatnonzero(history.is_invoice & (history.issue <= known_until))
    issue, due, paid = history.issue[candidates], history.due[candidates], history.paid[candidates]
    lag = rng.integers(0, staleness_days + 1, size=len(candidates)) if staleness_days else 0
    rows, as_of, known, landmark = [candidates], [issue], [issue - lag], [np.full(len(candidates), -1)]
    for days in LANDMARKS_AFTER_DUE:
        day = due + days
        still_open = (day <= known_until) & (paid > day) & (day > issue)
        rows.append(candidates[still_open])
        as_of.append(day[still_open])
        known.append(day[still_open])
        landmark.append(np.full(int(still_open.sum()), days))
    positions = np.concatenate(rows)
    paid_all, due_all = history.paid[positions], history.due[positions]
    observed = paid_all <= known_until
    bound = known_until - due_all
    delay = np.where(observed, paid_all - due_all, bound)
    as_of_all = np.concatenate(as_of)
    order = np.argsort(as_of_all, kind="stable")  # time order: the calibration fold is the latest
    return TrainingRows(
        queries=Queries(rows=positions[order], as_of=as_of_all[order], known=np.concatenate(known)[order]),
        delay=delay[order].astype(np.float64),
        observed=observed[order],
        bound=bound[order].astype(np.float64),
        landmark=np.concatenate(landmark)[order],
    )
