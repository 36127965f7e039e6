"""A time-split backtest of payment prediction, beside the baselines (DOMAIN.md §3).

Train on what was known at the cutoff (the book at the end of the day before it: invoices
cleared by then are outcomes, the rest censored); predict every invoice issued on or after the
cutoff (within ``horizon_days`` of it if given) whose outcome is known. Test invoices are scored
on their issue day, with the customer history as known at the cutoff: nothing after the cutoff
is used, by the model or by the baselines. ``share_open`` says how many of the invoices issued in
the test window have no outcome yet (they are not tested: the figures favour quick payers).

The baselines are ``naive``'s rules, the same ones the model-or-baseline choice picks from; the
choice made in training is reported under ``chosen``. ``overdue`` backtests the invoices that were
already overdue and open at the cutoff: their payment date given that they were unpaid at their
age, beside the same kind of rules conditioned on that age.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from dunwell.ml.errors import PredictionError
from dunwell.ml.features import Queries
from dunwell.ml.history import NEVER, InvoiceHistory, day_number
from dunwell.ml.naive import conditional_guesses, naive_guesses
from dunwell.ml.predictor import PaymentPredictor
from dunwell.ml.timing import LEVELS

BASELINES = ("due_date", "customer_median_delay", "customer_last_delay")


def run_backtest(
    history: InvoiceHistory,
    *,
    cutoff: date,
    horizon_days: int | None = None,
    timing: str = "quantile",
    random_state: int = 0,
    n_jobs: int = 2,
    **params: Any,
) -> dict[str, Any]:
    """The backtest's figures: the model's, then ``baselines`` with the same ones where they apply."""
    day = day_number(cutoff)
    known = day - 1
    window = history.is_invoice & (history.issue >= day)
    if horizon_days is not None:
        window &= history.issue < day + horizon_days
    test = window & (history.paid < NEVER)
    rows = np.flatnonzero(test)
    if len(rows) == 0:
        raise PredictionError(
            "no_test_invoices", f"no invoice issued on or after {cutoff} has a known outcome"
        )
    queries = Queries(rows=rows, as_of=history.issue[rows], known=np.full(len(rows), known))
    predictor = PaymentPredictor(
        **{"timing": timing, "random_state": random_state, "n_jobs": n_jobs, **params}
    ).fit(history, known_until=known)
    predictions = predictor.predict(history, queries, explain=False)
    actual = (history.paid[rows] - history.due[rows]).astype(np.float64)
    result: dict[str, Any] = {
        "cutoff": cutoff.isoformat(),
        "horizon_days": horizon_days,
        "timing_model": timing,
        "n_train": predictor.n_training_invoices_,
        "n_train_rows": predictor.n_training_rows_,
        "n_test": len(rows),
        "share_open": round(float(np.mean(history.paid[window] == NEVER)), 4),
        "share_late_test": round(float(np.mean(actual > 0)), 4),
        **timing_figures(actual, predictions.delay),
        **risk_figures(actual, predictions.risk[:, 0], predictions.risk[:, 1]),
    }
    naive = naive_guesses(history, rows, np.full(len(rows), known))
    result["baselines"] = {name: _baseline_figures(actual, naive.guesses[name]) for name in BASELINES}
    best = min(result["baselines"].values(), key=lambda figures: figures["mae_days"])
    result["mae_vs_best_baseline"] = (
        round(result["mae_days"] / best["mae_days"] - 1, 4) if best["mae_days"] else None
    )
    result["chosen"] = None if predictor.choice_ is None else predictor.choice_.to_json()
    result["overdue"] = overdue_backtest(history, predictor, known)
    return result


def overdue_backtest(history: InvoiceHistory, predictor: PaymentPredictor, known: int) -> dict[str, Any]:
    """Invoices open and past due at the end of ``known``, predicted given their age, beside the
    naive rules conditioned on the same age. Only those paid later have an outcome to test."""
    issued = history.is_invoice & (history.issue <= known)
    open_overdue = issued & (history.due < known) & (history.paid > known)
    rows = np.flatnonzero(open_overdue & (history.paid < NEVER))
    result: dict[str, Any] = {
        "n_open_overdue": int(open_overdue.sum()),
        "n_test": len(rows),
        # Never paid by the book's last day: no date to test (the intervals are of the delay given
        # that it is paid; the risk model's P(> 60 days or written off) covers the rest).
        "n_never_paid": int(np.sum(open_overdue & (history.paid == NEVER))),
    }
    if len(rows) == 0:
        return result
    day = np.full(len(rows), known)
    predictions = predictor.predict(history, Queries(rows=rows, as_of=day, known=day), explain=False)
    actual = (history.paid[rows] - history.due[rows]).astype(np.float64)
    age = (known - history.due[rows]).astype(np.float64)
    guesses = conditional_guesses(history, rows, age, known, predictor.residual_life_)
    baselines = {name: _baseline_figures(actual, guess) for name, guess in guesses.items()}
    best_name = min(baselines, key=lambda name: baselines[name]["mae_days"] or 0.0)
    best = baselines[best_name]["mae_days"]
    width = predictions.delay[:, 2] - predictions.delay[:, 0]
    figures = timing_figures(actual, predictions.delay)
    return {
        **result,
        "median_age_days": _round(np.median(age)),
        **{k: figures[k] for k in ("mae_days", "median_ae_days", "within_5_days", "coverage_p10_p90")},
        "zero_width_intervals": int(np.sum(width <= 0)),
        "share_below_p10": _round(np.mean(actual < predictions.delay[:, 0])),
        "share_above_p90": _round(np.mean(actual > predictions.delay[:, 2])),
        "baselines": {
            name: {k: b[k] for k in ("mae_days", "median_ae_days", "within_5_days")}
            for name, b in baselines.items()
        },
        "best_baseline": best_name,
        "best_baseline_mae": best,
        "mae_vs_best_baseline": round(figures["mae_days"] / best - 1, 4) if best else None,
    }


def timing_figures(actual: np.ndarray, quantiles: np.ndarray) -> dict[str, float]:
    error = np.abs(np.rint(quantiles[:, 1]) - actual)  # a date is a whole day
    return {
        "mae_days": _round(error.mean()),
        "median_ae_days": _round(np.median(error)),
        "within_5_days": _round(np.mean(error <= 5)),
        **{
            f"pinball_p{round(level * 100)}": _round(pinball(actual, quantiles[:, i], level))
            for i, level in enumerate(LEVELS)
        },
        "coverage_p10_p90": _round(np.mean((actual >= quantiles[:, 0]) & (actual <= quantiles[:, 2]))),
    }


def risk_figures(actual: np.ndarray, p_late: np.ndarray, p_late30: np.ndarray) -> dict[str, float | None]:
    late = actual > 0
    return {
        "auc_late": _auc(late, p_late),
        "pr_auc_late": _round(average_precision_score(late, p_late)) if late.any() else None,
        "brier_late": _round(np.mean((p_late - late) ** 2)),
        "auc_late30": _auc(actual > 30, p_late30),
    }


def pinball(actual: np.ndarray, predicted: np.ndarray, level: float) -> float:
    gap = actual - predicted
    return float(np.mean(np.maximum(level * gap, (level - 1) * gap)))


def _baseline_figures(actual: np.ndarray, guess: np.ndarray) -> dict[str, float | None]:
    """A point guess of the delay: its errors, and the guess itself as a lateness score."""
    error = np.abs(np.rint(guess) - actual)
    return {
        "mae_days": _round(error.mean()),
        "median_ae_days": _round(np.median(error)),
        "within_5_days": _round(np.mean(error <= 5)),
        "pinball_p10": None,
        "pinball_p50": _round(pinball(actual, guess, 0.5)),
        "pinball_p90": None,
        "coverage_p10_p90": None,
        "auc_late": _auc(actual > 0, guess),
        "pr_auc_late": None,
        "brier_late": None,
        "auc_late30": _auc(actual > 30, guess),
    }


def _auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    if labels.all() or not labels.any():
        return None  # one class only: undefined
    return _round(roc_auc_score(labels, scores))


def _round(value: Any) -> float:
    return round(float(value), 4)
