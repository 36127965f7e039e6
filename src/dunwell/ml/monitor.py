"""Watching a deployed model: accuracy once outcomes arrive, calibration, and population drift.

Population stability (PSI) compares how a value is spread now with how it was spread when the
model was trained: ``profile`` records the reference bins (deciles of each numeric input and
score, shares of each category, a bin of its own for missing values) and ``psi`` scores a new
sample against them. PSI = Σ (now − then) · ln(now / then) over the bins; above 0.2 is the
usual "the population has shifted" line (DOMAIN.md §3).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

BINS = 10
_FLOOR = 1e-4  # an empty bin counts as this share, so ln() stays finite


def profile(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Reference bins for every column of ``frame`` (JSON-safe)."""
    result: dict[str, dict[str, Any]] = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
            shares = column.astype(str).value_counts(normalize=True)
            result[name] = {"kind": "categorical", "shares": {str(k): float(v) for k, v in shares.items()}}
            continue
        values = column.to_numpy(dtype=np.float64)
        finite = values[np.isfinite(values)]
        edges = (
            np.unique(np.quantile(finite, np.linspace(0, 1, BINS + 1)[1:-1])) if len(finite) else np.array([])
        )
        result[name] = {
            "kind": "numeric",
            "edges": [float(e) for e in edges],
            "shares": [float(s) for s in _numeric_shares(values, edges)],
        }
    return result


def psi(reference: dict[str, Any], values: pd.Series | np.ndarray) -> float | None:
    """The population stability index of ``values`` against one column's reference bins."""
    series = pd.Series(values)
    if len(series) == 0:
        return None
    if reference["kind"] == "categorical":
        expected: dict[str, float] = reference["shares"]
        seen = series.astype(str).value_counts(normalize=True)
        names = set(expected) | set(seen.index)
        pairs = [(expected.get(n, 0.0), float(seen.get(n, 0.0))) for n in names]
    else:
        now = _numeric_shares(series.to_numpy(dtype=np.float64), np.asarray(reference["edges"]))
        pairs = list(zip(reference["shares"], now, strict=True))
    total = 0.0
    for then, current in pairs:
        then, current = max(then, _FLOOR), max(current, _FLOOR)
        total += (current - then) * math.log(current / then)
    return round(total, 4)


def _numeric_shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Shares in each of the ``len(edges) + 1`` bins, then the share missing (NaN)."""
    missing = ~np.isfinite(values)
    counts = np.bincount(np.searchsorted(edges, values[~missing], side="right"), minlength=len(edges) + 1)
    counts = np.append(counts, missing.sum()).astype(np.float64)
    return counts / max(len(values), 1)


def accuracy(actual: np.ndarray, quantiles: np.ndarray, risk_late: np.ndarray) -> dict[str, Any]:
    """MAE and share within ±5 days of the P50, P10–P90 coverage and AUC of P(late), for resolved
    predictions (``actual`` and the quantiles in days after the due date)."""
    error = np.abs(quantiles[:, 1] - actual)
    late = actual > 0
    auc = float(roc_auc_score(late, risk_late)) if 0 < late.sum() < len(late) else None
    return {
        "n": len(actual),
        "mae_days": round(float(error.mean()), 3) if len(actual) else None,
        "within_5_days": round(float(np.mean(error <= 5)), 4) if len(actual) else None,
        "coverage_p10_p90": (
            round(float(np.mean((actual >= quantiles[:, 0]) & (actual <= quantiles[:, 2]))), 4)
            if len(actual)
            else None
        ),
        "auc_late": None if auc is None else round(auc, 4),
    }


def calibration(probability: np.ndarray, outcome: np.ndarray, *, bins: int = BINS) -> list[dict[str, Any]]:
    """Predicted against observed rates in equal-width probability bins (the non-empty ones)."""
    which = np.minimum((probability * bins).astype(int), bins - 1)
    table = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            table.append(
                {
                    "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
                    "n": int(inside.sum()),
                    "predicted": round(float(probability[inside].mean()), 4),
                    "observed": round(float(outcome[inside].mean()), 4),
                }
            )
    return table


def expected_calibration_error(
    probability: np.ndarray, outcome: np.ndarray, *, bins: int = BINS
) -> float | None:
    if len(probability) == 0:
        return None
    table = calibration(probability, outcome, bins=bins)
    gap = sum(row["n"] * abs(row["predicted"] - row["observed"]) for row in table)
    return round(float(gap) / len(probability), 4)
