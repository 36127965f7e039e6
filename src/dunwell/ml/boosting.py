"""The LightGBM settings every Dunwell estimator shares (row and column subsampling, quiet logs)."""

from __future__ import annotations

from typing import Any


def booster_options(estimator: Any) -> dict[str, Any]:
    """LightGBM keyword arguments from an estimator's own hyperparameters."""
    return {
        "n_estimators": estimator.n_estimators,
        "learning_rate": estimator.learning_rate,
        "num_leaves": estimator.num_leaves,
        "min_child_samples": estimator.min_child_samples,
        "subsample": 0.8,
        "subsample_freq": 1,
        "colsample_bytree": 0.9,
        # 63 histogram bins instead of 255: training is markedly faster and the backtests are
        # unchanged within their noise (ADR 0008).
        "max_bin": 63,
        "n_jobs": estimator.n_jobs,
        "random_state": estimator.random_state,
        "verbose": -1,
    }
