"""How a registered model is doing: accuracy by month once outcomes are in, calibration of its
lateness risk, and drift of its inputs and scores since it was trained.

Accuracy is measured on each invoice's *first* prediction in a month (an invoice scored every
day would otherwise count thirty times), by the month the prediction was made. A month is judged
only once most of its predictions have an outcome: early months of slow payers would otherwise
look better than they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.ml.history import day_number
from dunwell.ml.monitor import accuracy, calibration, expected_calibration_error
from dunwell.prediction.book import load_book
from dunwell.prediction.repository import ModelRepository
from dunwell.prediction.service import paid_days


@dataclass(frozen=True)
class Thresholds:
    min_within_5: float = 0.75
    max_psi: float = 0.2
    #: A month is judged when this share of its predicted invoices has an outcome...
    min_resolved_share: float = 0.8
    #: ...and at least this many.
    min_resolved: int = 30


def monitor_model(
    session: Session,
    *,
    version: int | None = None,
    as_of: date | None = None,
    thresholds: Thresholds = Thresholds(),
) -> dict[str, Any]:
    repository = ModelRepository(session)
    record = repository.get(version)
    if record is None:
        raise DunwellError(
            "no model has been trained yet" if version is None else f"there is no model version {version}",
            code="model_not_found",
            kind=ErrorKind.NOT_FOUND,
        )
    horizon = day_number(as_of) if as_of is not None else None
    paid = paid_days(load_book(session))
    by_month: dict[str, list[tuple[dict[str, Any], int | None]]] = defaultdict(list)
    for prediction in repository.first_predictions_by_month(record.id):
        if as_of is not None and prediction["as_of"] > as_of:
            continue
        day = paid.get(prediction["invoice_id"])
        if day is not None and horizon is not None and day > horizon:
            day = None  # not yet known on the monitoring day
        by_month[prediction["as_of"].strftime("%Y-%m")].append((prediction, day))

    months, all_risk, all_late = [], [], []
    for month in sorted(by_month):
        items = by_month[month]
        resolved = [(p, d) for p, d in items if d is not None]
        row: dict[str, Any] = {
            "month": month,
            "predicted": len(items),
            "resolved": len(resolved),
            "resolved_share": round(len(resolved) / len(items), 4),
        }
        if resolved:
            due = np.array([day_number(p["due_date"]) for p, _ in resolved])
            actual = np.array([d for _, d in resolved]) - due
            quantiles = np.column_stack(
                [np.array([day_number(p[f"p{q}_date"]) for p, _ in resolved]) - due for q in (10, 50, 90)]
            ).astype(np.float64)
            risk = np.array([p["risk_late"] for p, _ in resolved])
            row.update(accuracy(actual.astype(np.float64), quantiles, risk))
            all_risk.append(risk)
            all_late.append(actual > 0)
        months.append(row)

    risk = np.concatenate(all_risk) if all_risk else np.zeros(0)
    late = np.concatenate(all_late).astype(np.float64) if all_late else np.zeros(0)
    run = repository.latest_run(record.id)
    drift = (run.profile or {}).get("psi", {}) if run is not None else {}
    reasons = _retrain_reasons(months, drift, thresholds)
    return {
        "model": {
            "version": record.version,
            "known_until": record.known_until.isoformat(),
            "trained_at": record.trained_at.isoformat(),
        },
        "as_of": as_of.isoformat() if as_of else None,
        "months": months,
        "calibration_late": {
            "expected_calibration_error": expected_calibration_error(risk, late),
            "bins": calibration(risk, late),
        },
        "drift": {
            "scored_as_of": run.as_of.isoformat() if run is not None else None,
            "scores": {name: value for name, value in drift.items() if name.startswith("score_")},
            "inputs": dict(
                sorted(
                    ((n, v) for n, v in drift.items() if not n.startswith("score_") and v is not None),
                    key=lambda kv: -kv[1],
                )
            ),
        },
        "thresholds": {"min_within_5": thresholds.min_within_5, "max_psi": thresholds.max_psi},
        "retrain": bool(reasons),
        "retrain_reasons": reasons,
    }


def _retrain_reasons(
    months: list[dict[str, Any]], drift: dict[str, float | None], thresholds: Thresholds
) -> list[str]:
    reasons = []
    judged = [
        m
        for m in months
        if m["resolved_share"] >= thresholds.min_resolved_share and m["resolved"] >= thresholds.min_resolved
    ]
    if judged:
        last = judged[-1]
        if last["within_5_days"] is not None and last["within_5_days"] < thresholds.min_within_5:
            reasons.append(
                f"only {last['within_5_days']:.0%} of {last['month']} predictions were within ±5 days "
                f"(threshold {thresholds.min_within_5:.0%})"
            )
    shifted = sorted(
        ((name, value) for name, value in drift.items() if value is not None and value > thresholds.max_psi),
        key=lambda kv: -kv[1],
    )
    if shifted:
        listed = ", ".join(f"{name} {value:.2f}" for name, value in shifted[:5])
        reasons.append(f"population shift (PSI above {thresholds.max_psi}): {listed}")
    return reasons
