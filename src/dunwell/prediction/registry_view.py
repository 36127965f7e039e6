"""The model registry as people read it: each version's training window, its holdout figures
beside the naive baselines, the predictor chosen per customer-history group, and how the newest
model is doing since (monitoring). Read-only; the same for the API, the pages and the dashboard."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError
from dunwell.prediction.monitoring import monitor_model
from dunwell.prediction.repository import ModelRepository

#: What the pages say when there is no model to show.
NO_MODEL = "No model yet: run `dunwell model train --as-of DATE`, then `dunwell model score --as-of DATE`."


def models_overview(session: Session, principal: Principal, *, monitor: bool = True) -> dict[str, Any]:
    """Every registered model, newest first, and the newest one's monitoring (when asked: it reads
    the whole book). Anyone signed in may read it: it holds no customer's figures."""
    del principal  # every role reads the registry; the parameter keeps the services' shape
    models = [model_summary(row) for row in ModelRepository(session).summaries()]
    monitoring: dict[str, Any] | None = None
    unmonitored: str | None = None
    if monitor and models:
        try:
            monitoring = monitor_model(session)
        except DunwellError as exc:  # e.g. the book was emptied since: say why, show the rest
            unmonitored = exc.message
    return {
        "models": models,
        "monitoring": monitoring,
        "unmonitored": unmonitored,
        "empty": NO_MODEL if not models else None,
    }


def latest_accuracy(session: Session) -> dict[str, Any] | None:
    """The newest model's holdout figures and whether its last scoring run drifted (cheap: no
    book is read), or None when no model was trained."""
    repository = ModelRepository(session)
    rows = repository.summaries()
    if not rows:
        return None
    summary = model_summary(rows[0])
    record = repository.get(summary["version"])
    run = repository.latest_run(record.id) if record is not None else None
    psi = (run.profile or {}).get("psi", {}) if run is not None else {}
    summary["drifted"] = sorted(name for name, value in psi.items() if value is not None and value > 0.2)
    return summary


def model_summary(row: dict[str, Any]) -> dict[str, Any]:
    """One registry row (``ModelRepository.summaries``) as JSON-ready figures."""
    metrics: dict[str, Any] = row.get("metrics") or {}
    return {
        "version": row["version"],
        "trained_at": _iso(row["trained_at"]),
        "window_start": _iso(row["window_start"]),
        "known_until": _iso(row["known_until"]),
        "training_invoices": row["training_invoices"],
        "holdout": holdout_figures(metrics),
        "chosen": chosen_predictors(metrics.get("chosen")),
        "scoring_runs": row.get("runs") or 0,
        "last_scored": _iso(row.get("last")),
    }


def holdout_figures(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """MAE against each baseline, coverage and AUC of the holdout backtest (None: none was run)."""
    if "mae_days" not in metrics:
        return None
    baselines = {name: b.get("mae_days") for name, b in (metrics.get("baselines") or {}).items()}
    measured = {name: mae for name, mae in baselines.items() if mae is not None}
    best = min(measured, key=lambda name: measured[name]) if measured else None
    window = metrics.get("holdout") or {}
    return {
        "n_test": metrics.get("n_test"),
        "issued_from": window.get("issued_from", metrics.get("cutoff")),
        "issued_to": window.get("issued_to"),
        "mae_days": metrics["mae_days"],
        "baselines": baselines,
        "best_baseline": best,
        "best_baseline_mae_days": measured.get(best) if best else None,
        "mae_vs_best_baseline": metrics.get("mae_vs_best_baseline"),
        "within_5_days": metrics.get("within_5_days"),
        "coverage_p10_p90": metrics.get("coverage_p10_p90"),
        "auc_late": metrics.get("auc_late"),
    }


def chosen_predictors(chosen: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Which predictor gives the P50 for each customer-history group (and for overdue items)."""
    if not chosen:
        return []
    groups = dict(chosen.get("groups") or {})
    if chosen.get("overdue"):
        groups["overdue"] = chosen["overdue"]
    return [
        {
            "group": name,
            "predictor": _predictor(group),
            "validation_mae_days": group.get("validation_mae"),
            "n_validation": group.get("n_validation"),
            "interval_coverage": group.get("interval_coverage"),
        }
        for name, group in groups.items()
    ]


def _predictor(group: dict[str, Any]) -> str:
    if group.get("predictor") == "blend":
        weight = float(group.get("model_weight") or 0)
        return f"{weight:g} model + {1 - weight:g} {group.get('naive')}"
    return str(group.get("predictor"))


def _iso(value: date | datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()
