"""The payment predictor: point-in-time features, the timing model and the risk model, together.

``PaymentPredictor.fit(history, known_until=day)`` trains on the book as known at the end of that
day; ``predict(history, queries)`` gives, per query, P10/P50/P90 of the delay (days after the
due date), the implied dates, the three lateness risks and the reasons behind the P50.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from dunwell.ml.dataset import training_rows
from dunwell.ml.explain import reasons
from dunwell.ml.features import FEATURES, Queries, point_in_time_features
from dunwell.ml.history import InvoiceHistory
from dunwell.ml.risk import THRESHOLDS, LatenessRiskModel
from dunwell.ml.timing import QuantileTimingModel, ResidualTimingModel

#: A row calibrates the intervals only when its outcome is settled: paid, or still open this many
#: days past due.
SETTLED_DAYS = 60
TIMING_MODELS = {"quantile": QuantileTimingModel, "residual": ResidualTimingModel}


@dataclass(frozen=True)
class Predictions:
    rows: np.ndarray  # history positions
    delay: np.ndarray  # (n, 3) P10/P50/P90, days after the due date
    due: np.ndarray  # day numbers
    risk: np.ndarray  # (n, 3) P(> 0), P(> 30), P(> 60 or written off)
    reasons: list[list[str]] | None

    @property
    def dates(self) -> np.ndarray:
        """(n, 3) predicted payment days (day numbers), the delays rounded to whole days."""
        return np.asarray(self.due[:, None] + np.rint(self.delay).astype(np.int64))


class PaymentPredictor(BaseEstimator):  # type: ignore[misc]
    def __init__(
        self,
        *,
        timing: str = "quantile",
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 7,
        min_child_samples: int = 40,
        max_delay: int = 180,
        staleness_days: int = 0,
        anchor: str | None = "cust_median_delay",
        refit: bool = False,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.timing = timing
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.max_delay = max_delay
        self.staleness_days = staleness_days
        self.anchor = anchor
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, history: InvoiceHistory, *, known_until: int) -> Self:
        rows = training_rows(
            history,
            known_until=known_until,
            staleness_days=self.staleness_days,
            random_state=self.random_state,
        )
        X = point_in_time_features(history, rows.queries)
        target, weight = rows.timing_weights(self.max_delay)
        lower = (rows.queries.as_of - history.due[rows.queries.rows]).astype(np.float64)
        lower = np.where(rows.landmark >= 0, lower + 1, np.nan)  # open on its landmark day: paid after it
        common: dict[str, Any] = {
            "n_jobs": self.n_jobs,
            "random_state": self.random_state,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
        }
        self.timing_model_ = TIMING_MODELS[self.timing](
            n_estimators=self.n_estimators,
            max_delay=self.max_delay,
            anchor=self.anchor,
            refit=self.refit,
            **common,
        ).fit(X, target, sample_weight=weight, lower_bound=lower, settled=rows.bound >= SETTLED_DAYS)
        labels = np.column_stack([rows.late_label(t) for t in THRESHOLDS])
        decided = np.column_stack([rows.decided(t) for t in THRESHOLDS])
        self.risk_model_ = LatenessRiskModel(n_estimators=max(100, self.n_estimators * 2 // 3), **common).fit(
            X, labels, decided
        )
        self.n_training_invoices_ = int(np.unique(rows.queries.rows).size)
        self.n_training_rows_ = len(rows)
        self.known_until_ = known_until
        self.features_ = FEATURES
        return self

    def predict(
        self,
        history: InvoiceHistory,
        queries: Queries,
        *,
        explain: bool = True,
        features: pd.DataFrame | None = None,
    ) -> Predictions:
        """``features``: the queries' features when the caller already computed them."""
        X = point_in_time_features(history, queries) if features is None else features
        due = history.due[queries.rows]
        overdue = queries.as_of >= due  # open on a day past its due date: paid after that day
        lower = np.where(overdue, queries.as_of - due + 1, np.nan).astype(np.float64)
        delay = self.timing_model_.predict(X, lower_bound=lower)
        risk = self.risk_model_.predict_proba(X)
        # An invoice already more than a threshold late is late beyond it with certainty.
        past = np.column_stack([(queries.as_of - due) > t for t in THRESHOLDS])
        risk = np.where(past, 1.0, risk)
        explained = None
        if explain and isinstance(self.timing_model_, QuantileTimingModel):
            explained = reasons(X, self.timing_model_.contributions(X))
        return Predictions(rows=queries.rows, delay=delay, due=due, risk=risk, reasons=explained)
