"""How risky an invoice is: calibrated P(paid > 0 days late), P(> 30), P(> 60 or written off).

One LightGBM classifier per threshold, each trained on the rows whose outcome is decided for it
(``TrainingRows.decided``: an invoice still open 40 days after its due date is known to be more
than 30 days late, but not whether it will pass 60). Scores are calibrated with isotonic
regression on the latest ``calibration_share`` of those rows, held out from the classifier they
calibrate (``refit=True`` refits on all rows afterwards; off by default, since the refit model is
sharper than the one calibrated), and made monotone: P(> 60) <= P(> 30) <= P(> 0).
"""

from __future__ import annotations

from typing import Self

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression

from dunwell.ml.boosting import booster_options
from dunwell.ml.timing import MIN_TRAINING_ROWS, invoice_fold

THRESHOLDS = (0, 30, 60)


class LatenessRiskModel(BaseEstimator, ClassifierMixin):  # type: ignore[misc]
    def __init__(
        self,
        *,
        thresholds: tuple[int, ...] = THRESHOLDS,
        n_estimators: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        calibration_share: float = 0.2,
        refit: bool = False,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.thresholds = thresholds
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.calibration_share = calibration_share
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(
        self, X: pd.DataFrame, labels: np.ndarray, decided: np.ndarray, *, invoices: np.ndarray | None = None
    ) -> Self:
        """``labels`` and ``decided``: (n, thresholds) booleans; ``X`` in time order. The calibration
        fold takes every row of its invoices (``invoices``: one id per row), none is shared."""
        self.models_: list[lgb.LGBMClassifier | None] = []
        self.calibrators_: list[IsotonicRegression | None] = []
        self.base_rates_: list[float] = []
        for column in range(len(self.thresholds)):
            rows = np.flatnonzero(decided[:, column])
            y = labels[rows, column].astype(int)
            self.base_rates_.append(float(y.mean()) if len(y) else 0.0)
            if len(rows) < MIN_TRAINING_ROWS or y.min(initial=1) == y.max(initial=0):
                self.models_.append(None)  # too little or one-sided: the base rate is the answer
                self.calibrators_.append(None)
                continue
            cut = int(len(rows) * (1 - self.calibration_share))
            fold = invoice_fold(
                np.arange(cut, len(rows)), len(rows), None if invoices is None else invoices[rows]
            )
            model = self._classifier().fit(X.iloc[rows[~fold]], y[~fold])
            held = np.asarray(model.predict_proba(X.iloc[rows[fold]]))[:, 1]
            calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(held, y[fold])
            if self.refit:
                model = self._classifier().fit(X.iloc[rows], y)
            self.models_.append(model)
            self.calibrators_.append(calibrator)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, thresholds): calibrated probability of being paid more than each threshold late."""
        columns = []
        for model, calibrator, base in zip(self.models_, self.calibrators_, self.base_rates_, strict=True):
            if model is None or calibrator is None:
                columns.append(np.full(len(X), base))
            else:
                columns.append(calibrator.predict(np.asarray(model.predict_proba(X))[:, 1]))
        return np.minimum.accumulate(np.column_stack(columns), axis=1)

    def contributions(self, X: pd.DataFrame) -> np.ndarray | None:
        """Each feature's contribution to P(late) in log-odds (last column: the base value), from
        the first threshold's classifier; None when that threshold has no classifier."""
        model = self.models_[0]
        if model is None:
            return None
        return np.asarray(model.predict_proba(X, pred_contrib=True))

    def _classifier(self) -> lgb.LGBMClassifier:
        return lgb.LGBMClassifier(**booster_options(self))
