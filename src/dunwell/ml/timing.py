"""When an invoice will be paid, as a distribution: P10 / P50 / P90 of days after the due date.

Two estimators follow the scikit-learn contract; ADR 0008 compares them on the backtests:

- ``QuantileTimingModel`` (the choice): one LightGBM quantile regression per level, trained with
  IPCW weights (``dataset``), then *conformalised* (CQR, Romano et al. 2019): on the latest
  ``calibration_share`` of the settled training rows, the interval is widened or narrowed by the
  weighted quantile of its conformity scores until it covers 80 % of them, and P50 is shifted by
  its median residual (``refit=True`` refits on all rows afterwards and keeps the corrections).
  The trees model the deviation from an anchor, the customer's typical delay.
- ``ResidualTimingModel``: one LightGBM median model; the interval is its prediction plus the
  calibration fold's residual quantiles (a location shift: every invoice gets the same width).

Predictions never fall below a row's lower bound (an invoice open on day t is paid after t).
"""

from __future__ import annotations

from typing import Any, Self

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin

from dunwell.ml.boosting import booster_options
from dunwell.ml.errors import PredictionError

LEVELS = (0.1, 0.5, 0.9)
MIN_TRAINING_ROWS = 50


def weighted_quantile(values: np.ndarray, weights: np.ndarray, level: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    if cumulative[-1] <= 0:
        return float(np.quantile(values, level))
    position = np.searchsorted(cumulative, level * cumulative[-1], side="left")
    return float(values[order][min(position, len(values) - 1)])


class _LightGBMParams(BaseEstimator):  # type: ignore[misc]
    def __init__(
        self,
        *,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        calibration_share: float = 0.2,
        max_delay: int = 180,
        refit: bool = False,
        anchor: str | None = None,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.calibration_share = calibration_share
        self.max_delay = max_delay
        self.refit = refit
        self.anchor = anchor
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _lgb(self, **extra: Any) -> lgb.LGBMRegressor:
        return lgb.LGBMRegressor(**booster_options(self), **extra)

    def _anchor(self, X: pd.DataFrame) -> np.ndarray:
        """The delay the trees correct (0 without an anchor): the customer's own typical delay,
        else their delay shrunk towards the segment's. Trees fit identity-like relations in many
        small steps; learning the deviation from the anchor leaves them the part that is not."""
        if self.anchor is None:
            return np.zeros(len(X))
        value = X[self.anchor].to_numpy(dtype=np.float64)
        fallback = np.nan_to_num(X["cust_shrunk_delay"].to_numpy(dtype=np.float64))
        return np.asarray(np.where(np.isnan(value), fallback, value), dtype=np.float64)

    def _calibration_fold(
        self,
        n: int,
        settled: np.ndarray | None,
        invoices: np.ndarray | None = None,
        scored: np.ndarray | None = None,
    ) -> np.ndarray:
        """The rows held out of the fit: the latest ``calibration_share`` of the settled rows of the
        kind scored (``scored``, e.g. at issue), with every other row of their invoices
        (``invoices``: one id per row).

        Settled: the outcome is decided (paid, or open 60 days past due). The very latest rows are
        mostly still open at the cutoff: the few observed are the quick payers, and a fold of them
        would teach the conformal step that invoices are paid early. Split by invoice, not by row:
        an invoice's landmark rows share its outcome, so a fold that held one of them while the
        trees learned from another would score the trees on what they had seen.
        """
        cut = self._split(n)
        pool = np.ones(n, dtype=bool) if scored is None else np.asarray(scored, dtype=bool)
        candidates = np.flatnonzero(pool if settled is None else pool & settled)
        if len(candidates) < MIN_TRAINING_ROWS:
            candidates = np.arange(n)
        take = min(max(int(len(candidates) * self.calibration_share), 1), n - cut, len(candidates) // 2)
        return invoice_fold(candidates[len(candidates) - take :], n, invoices)

    def _kept_rows(
        self,
        X: pd.DataFrame,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        settled: np.ndarray | None,
        invoices: np.ndarray | None,
        scored: np.ndarray | None = None,
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """What every timing model's fit starts with: the rows of positive weight (others are
        ignored) and their calibration fold. Returns X, y, weight and the fold of the kept rows,
        and the kept rows' mask."""
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        keep = weight > 0
        fold = self._calibration_fold(
            int(keep.sum()),
            None if settled is None else np.asarray(settled)[keep],
            None if invoices is None else np.asarray(invoices)[keep],
            None if scored is None else np.asarray(scored, dtype=bool)[keep],
        )
        return X[keep], np.asarray(y, dtype=np.float64)[keep], weight[keep], fold, keep

    def _split(self, n: int) -> int:
        if n < MIN_TRAINING_ROWS:
            raise PredictionError(
                "too_little_history",
                f"{n} training rows with a known outcome; at least {MIN_TRAINING_ROWS} needed",
            )
        return int(n * (1 - self.calibration_share))


def invoice_fold(chosen: np.ndarray, n: int, invoices: np.ndarray | None) -> np.ndarray:
    """A mask of the ``chosen`` rows and of every other row of the same invoices."""
    fold = np.zeros(n, dtype=bool)
    fold[chosen] = True
    if invoices is not None and len(chosen):
        fold |= np.isin(invoices, invoices[chosen])
        if fold.all():  # one invoice per fold is impossible: keep the rows chosen
            fold[:] = False
            fold[chosen] = True
    return fold


def _whole_day_correction(
    held: np.ndarray, base: np.ndarray, y: np.ndarray, weight: np.ndarray, shift: float, level: float
) -> float:
    """The smallest widening (in days, to a twentieth) of the interval *as it is shown* (rounded
    to whole days, at least a day either side of the P50) that covers ``level`` of the rows.

    Rounding a bound to a date moves it by up to half a day, which on books paid to the day
    decides whether many rows are covered: the correction is searched on the shown interval, not
    the raw one (coverage only grows with it, so bisection finds it)."""
    actual = y + base
    p50 = np.rint(held[:, 1] + shift + base)
    total = float(weight.sum())

    def covers(correction: float) -> bool:
        low = np.minimum(np.rint(held[:, 0] + base - correction), p50 - 1)
        high = np.maximum(np.rint(held[:, 2] + base + correction), p50 + 1)
        return float(weight[(actual >= low) & (actual <= high)].sum()) >= level * total

    below, above = -60.0, 400.0
    if total <= 0 or covers(below):
        return below
    if not covers(above):
        return above
    while above - below > 0.05:
        middle = (below + above) / 2
        below, above = (below, middle) if covers(middle) else (middle, above)
    return above


def _clip(quantiles: np.ndarray, lower_bound: np.ndarray | None) -> np.ndarray:
    result = np.sort(quantiles, axis=1)
    if lower_bound is not None:
        result = np.maximum(result, np.nan_to_num(lower_bound, nan=-np.inf)[:, None])
    return result


class QuantileTimingModel(_LightGBMParams, RegressorMixin):  # type: ignore[misc]
    """Conformalised LightGBM quantile regression of the delay (days paid after the due date)."""

    def fit(
        self,
        X: pd.DataFrame,
        y: np.ndarray,
        *,
        sample_weight: np.ndarray | None = None,
        lower_bound: np.ndarray | None = None,
        settled: np.ndarray | None = None,
        invoices: np.ndarray | None = None,
        scored: np.ndarray | None = None,
    ) -> Self:
        """``X`` in time order; weight-0 rows are ignored. The latest ``settled`` rows, with every
        other row of their invoices (``invoices``: the invoice of each row), are held out of the
        fit; those of them marked ``scored`` (the kind of row the intervals are judged on, e.g. at
        issue) calibrate the interval."""
        X, y, weight, fold, keep = self._kept_rows(X, y, sample_weight, settled, invoices, scored)
        base = self._anchor(X)
        self.anchor_mean_ = float(np.average(base, weights=weight))
        y = y - base
        bound = None if lower_bound is None else np.asarray(lower_bound, dtype=np.float64)[keep] - base
        scored_kept = None if scored is None else np.asarray(scored, dtype=bool)[keep]
        fit, cal = ~fold, fold
        models = [
            self._lgb(objective="quantile", alpha=level).fit(X[fit], y[fit], sample_weight=weight[fit])
            for level in LEVELS
        ]
        if scored_kept is not None and np.any(cal & scored_kept):
            cal = cal & scored_kept  # the fold's rows of the kind predicted
        held = _clip(
            np.column_stack([m.predict(X[cal]) for m in models]), None if bound is None else bound[cal]
        )
        # Unweighted: the fold's invoices were due long enough ago that their outcome is decided,
        # so the IPCW weights (computed over the whole window) would only overstate the long delays.
        y_cal, w_cal = y[cal], np.ones(int(cal.sum()))
        self.median_shift_ = weighted_quantile(y_cal - held[:, 1], w_cal, 0.5)
        n = len(y_cal)
        level = min(1.0, (LEVELS[2] - LEVELS[0]) * (1 + 1 / n))
        self.interval_correction_ = _whole_day_correction(
            held, base[cal], y_cal, w_cal, self.median_shift_, level
        )
        if self.refit:
            models = [self._lgb(objective="quantile", alpha=level).fit(X, y, sample_weight=weight)
                      for level in LEVELS]  # fmt: skip
        self.models_ = models
        self.feature_names_in_ = np.array(list(X.columns), dtype=object)
        self.n_training_rows_ = len(y)
        return self

    def predict(self, X: pd.DataFrame, *, lower_bound: np.ndarray | None = None) -> np.ndarray:
        """(n, 3): P10, P50, P90 of the delay in days."""
        raw = np.column_stack([m.predict(X) for m in self.models_]) + self._anchor(X)[:, None]
        raw[:, 0] -= self.interval_correction_
        raw[:, 2] += self.interval_correction_
        raw[:, 1] += self.median_shift_
        return _clip(raw, lower_bound)

    def contributions(self, X: pd.DataFrame) -> np.ndarray:
        """Each feature's contribution to the P50 prediction (last column: the base value).

        With an anchor, the anchor's distance from its training mean is credited to the feature
        it came from (the customer's typical delay, else their shrunk delay): "typically pays 12
        days late" is then a reason like any other, and the columns still sum to the prediction.
        """
        contributions = np.asarray(self.models_[1].predict(X, pred_contrib=True))
        if self.anchor is None:
            return contributions
        own = X[self.anchor].to_numpy(dtype=np.float64)
        moved = self._anchor(X) - self.anchor_mean_
        columns = list(X.columns)
        has_own = ~np.isnan(own)
        contributions[has_own, columns.index(self.anchor)] += moved[has_own]
        contributions[~has_own, columns.index("cust_shrunk_delay")] += moved[~has_own]
        contributions[:, -1] += self.anchor_mean_
        return contributions


class ResidualTimingModel(_LightGBMParams, RegressorMixin):  # type: ignore[misc]
    """A LightGBM median model with a fixed-width interval from calibration residuals."""

    def fit(
        self,
        X: pd.DataFrame,
        y: np.ndarray,
        *,
        sample_weight: np.ndarray | None = None,
        lower_bound: np.ndarray | None = None,
        settled: np.ndarray | None = None,
        invoices: np.ndarray | None = None,
    ) -> Self:
        X, y, weight, cal, _ = self._kept_rows(X, y, sample_weight, settled, invoices)
        fit = ~cal
        model = self._lgb(objective="quantile", alpha=0.5).fit(X[fit], y[fit], sample_weight=weight[fit])
        residual = y[cal] - model.predict(X[cal])
        self.offsets_ = tuple(weighted_quantile(residual, weight[cal], level) for level in LEVELS)
        if self.refit:
            model = self._lgb(objective="quantile", alpha=0.5).fit(X, y, sample_weight=weight)
        self.model_ = model
        self.feature_names_in_ = np.array(list(X.columns), dtype=object)
        return self

    def predict(self, X: pd.DataFrame, *, lower_bound: np.ndarray | None = None) -> np.ndarray:
        centre = np.asarray(self.model_.predict(X), dtype=np.float64)
        return _clip(np.column_stack([centre + offset for offset in self.offsets_]), lower_bound)
