"""Training, scoring and inspecting payment predictions on the stored book.

- ``train_model``: learn from what was known at the end of a day, check the model on a holdout
  backtest inside that knowledge, and register it (version, window, feature schema, metrics,
  reference profile for drift, the model itself).
- ``score_book``: predict every invoice open on a day with a registered model and store the
  predictions, each naming its model; scoring the same day again replaces that run.
- A model is never used on a day before the end of its training window: it would have learned
  from outcomes that were still unknown then.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version as package_version
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dunwell import __version__
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.audit import record as audit_record
from dunwell.ml.backtest import run_backtest
from dunwell.ml.errors import PredictionError
from dunwell.ml.features import CATEGORICAL, FEATURES, Queries, point_in_time_features
from dunwell.ml.history import NEVER, InvoiceHistory, day_number, day_of
from dunwell.ml.monitor import profile, psi
from dunwell.ml.persist import from_document, to_document
from dunwell.ml.predictor import PaymentPredictor, Predictions
from dunwell.orm.prediction import PredictionModel
from dunwell.prediction.book import StoredHistory, load_book
from dunwell.prediction.forecast_calibration import forecast_calibration
from dunwell.prediction.repository import ModelRepository

#: Inputs not watched for drift: calendar positions move with the day scored on, not with the
#: population.
NOT_WATCHED = frozenset(
    {
        "issue_weekday",
        "issue_day",
        "due_weekday",
        "due_month_end",
        "due_month",
        "days_due_to_month_end",
        "run_week_shift",
        "run_month_shift",
        "due_quarter_end",
        "quarter_end_shift",
        "staleness",
    }
)
MIN_TRAINING_INVOICES = 200
#: A long job's progress: (steps done, steps in all).
Progress = Callable[[int, int], None]
#: How models are stored (``ml.persist``): data only, never pickle (ADR 0020).
ARTIFACT_FORMAT = "dunwell-model-json-gzip/1"
#: Stored reasons are one list: the P50's, then the lateness risk's with this prefix.
RISK_PREFIX = "risk: "
#: The holdout's invoices are issued in a window that ends this many days before the training
#: day, so that most of them have an outcome by then (not only the quick payers).
HOLDOUT_HORIZON_DAYS = 90


@dataclass(frozen=True)
class TrainingResult:
    version: int
    known_until: date
    window_start: date
    training_invoices: int
    metrics: dict[str, Any]


@dataclass(frozen=True)
class ScoringResult:
    version: int
    as_of: date
    invoices: int
    mean_risk_late: float | None
    expected_within_30_days: int  # open invoices whose P50 date falls within 30 days


def train_model(
    session: Session,
    *,
    as_of: date,
    holdout_days: int | None = 90,
    horizon_days: int = HOLDOUT_HORIZON_DAYS,
    random_state: int = 0,
    params: dict[str, Any] | None = None,
    actor: str = "system",
    progress: Progress | None = None,
) -> TrainingResult:
    """Train on the book as known at the end of ``as_of`` and register the model; ``progress``
    hears (steps done, steps) as reading, the holdout, fitting, profiling and storing finish."""
    step = _steps(progress, 5)
    stored = load_book(session)
    step()
    known = day_number(as_of)
    history = stored.history.as_known_on(known)
    cleared = int(np.sum(history.is_invoice & (history.paid <= known)))
    if cleared < MIN_TRAINING_INVOICES:
        raise PredictionError(
            "too_little_history",
            f"only {cleared} invoices were cleared by {as_of}; at least {MIN_TRAINING_INVOICES} are needed",
        )
    settings = {"random_state": random_state, **(params or {})}
    metrics: dict[str, Any] = {}
    if holdout_days:
        metrics = _holdout(history, as_of, holdout_days, horizon_days, settings)
    step()
    predictor = PaymentPredictor(**settings).fit(history, known_until=known)
    step()
    # The choice the registered model makes (the holdout's own is under "holdout_chosen").
    metrics["chosen"] = None if predictor.choice_ is None else predictor.choice_.to_json()
    # The cash forecast's range factors, learned on weeks that were over by the training day.
    metrics["forecast_calibration"] = forecast_calibration(
        history, stored.amount_minor[stored.history.issue <= known], known_until=known, settings=settings
    )
    open_rows = _open_on(history, known)
    reference = _profile(history, predictor, open_rows, known)
    step()
    learned = history.is_invoice & (history.paid <= known)
    window_start = day_of(int(history.issue[learned].min()))
    artifact = gzip.compress(json.dumps(to_document(predictor), separators=(",", ":")).encode("utf-8"))
    repository = ModelRepository(session)
    version = repository.next_version()
    repository.add(
        PredictionModel(
            version=version,
            window_start=window_start,
            known_until=as_of,
            training_invoices=predictor.n_training_invoices_,
            feature_schema=[
                {"name": name, "kind": "categorical" if name in CATEGORICAL else "numeric"}
                for name in FEATURES
            ],
            params=predictor.get_params(),
            metrics=metrics,
            reference_profile=reference,
            software={name: package_version(name) for name in ("lightgbm", "scikit-learn", "numpy", "pandas")}
            | {"dunwell": __version__},
            artifact=artifact,
            artifact_format=ARTIFACT_FORMAT,
            artifact_sha256=hashlib.sha256(artifact).hexdigest(),
        )
    )
    audit_record(
        session,
        actor=actor,
        action="model.trained",
        subject_type="prediction_model",
        subject_id=version,
        details={
            "known_until": as_of.isoformat(),
            "training_invoices": predictor.n_training_invoices_,
            "mae_days": metrics.get("mae_days"),
        },
    )
    step()
    return TrainingResult(version, as_of, window_start, predictor.n_training_invoices_, metrics)


def _holdout(
    history: InvoiceHistory, as_of: date, holdout_days: int, horizon_days: int, settings: dict[str, Any]
) -> dict[str, Any]:
    """A backtest inside what was known on ``as_of``: invoices issued in the ``holdout_days`` that
    end ``horizon_days`` before it, with the outcomes known by then, and the share still open.

    Testing the invoices of the last days before ``as_of`` would judge the model on the quick
    payers only: the others have no outcome yet."""
    cutoff = as_of - timedelta(days=holdout_days + horizon_days - 1)
    try:
        metrics = run_backtest(history, cutoff=cutoff, horizon_days=holdout_days, **settings)
    except PredictionError as exc:  # too little to hold out: the model is still worth having
        return {"holdout_skipped": str(exc)}
    metrics["holdout_chosen"] = metrics.pop("chosen", None)
    metrics["holdout"] = {
        "issued_from": cutoff.isoformat(),
        "issued_to": (cutoff + timedelta(days=holdout_days - 1)).isoformat(),
        "outcomes_known_until": as_of.isoformat(),
        "horizon_days": horizon_days,
        "share_still_open": metrics["share_open"],
    }
    return metrics


def load_model(session: Session, version: int | None = None) -> tuple[PredictionModel, PaymentPredictor]:
    record = ModelRepository(session).get(version)
    if record is None:
        raise DunwellError(
            "no model has been trained yet: run `dunwell model train --as-of DATE`"
            if version is None
            else f"there is no model version {version}",
            code="model_not_found",
            kind=ErrorKind.NOT_FOUND,
        )
    if hashlib.sha256(record.artifact).hexdigest() != record.artifact_sha256:
        raise DunwellError(
            f"model version {record.version} is damaged (its checksum does not match): train a new one",
            code="model_damaged",
            kind=ErrorKind.CONFLICT,
        )
    expected = [field["name"] for field in record.feature_schema]
    if expected != list(FEATURES):
        raise DunwellError(
            f"model version {record.version} was trained on a different feature schema than this "
            f"version of Dunwell computes: train a new one",
            code="model_schema",
            kind=ErrorKind.CONFLICT,
        )
    if record.artifact_format != ARTIFACT_FORMAT:
        raise DunwellError(
            f"model version {record.version} is stored as {record.artifact_format}, which this version of "
            "Dunwell does not load (a pickled model can run code when it is read): train a new one",
            code="model_format",
            kind=ErrorKind.CONFLICT,
        )
    try:
        document = json.loads(gzip.decompress(record.artifact))
    except (OSError, EOFError, ValueError) as exc:
        raise DunwellError(
            f"model version {record.version} cannot be read ({exc}): train a new one",
            code="model_damaged",
            kind=ErrorKind.CONFLICT,
        ) from None
    return record, from_document(document)


def score_book(
    session: Session,
    *,
    as_of: date,
    version: int | None = None,
    actor: str = "system",
    progress: Progress | None = None,
) -> ScoringResult:
    """Predict every invoice open at the end of ``as_of`` and store the predictions; ``progress``
    hears (steps done, steps) as loading, predicting and storing finish."""
    step = _steps(progress, 3)
    record, predictor = load_model(session, version)
    if as_of < record.known_until:
        raise DunwellError(
            f"model version {record.version} learned from the book up to {record.known_until}; scoring "
            f"as of {as_of} would use outcomes that were unknown then. "
            f"Train a model as of {as_of} or earlier.",
            code="model_from_the_future",
            kind=ErrorKind.INVALID,
        )
    stored = load_book(session)
    step()
    day = day_number(as_of)
    rows = _open_on(stored.history, day)
    repository = ModelRepository(session)

    def audit(invoices: int) -> None:
        details = {"as_of": as_of.isoformat(), "invoices": invoices}
        audit_record(
            session,
            actor=actor,
            action="model.scored",
            subject_type="prediction_model",
            subject_id=record.version,
            details=details,
        )

    if len(rows) == 0:
        repository.replace_run(record.id, as_of, 0, {})
        audit(0)
        return ScoringResult(record.version, as_of, 0, None, 0)
    queries = Queries(rows=rows, as_of=np.full(len(rows), day), known=np.full(len(rows), day))
    features = point_in_time_features(stored.history, queries)
    predictions = predictor.predict(stored.history, queries, features=features)
    step()
    drift = drift_against(record.reference_profile, _scored_frame(features, predictions))
    run_id = repository.replace_run(record.id, as_of, len(rows), {"psi": drift})
    repository.add_predictions(_prediction_rows(stored, predictions, run_id, record.id, as_of))
    dates = predictions.dates
    audit(len(rows))
    step()
    return ScoringResult(
        version=record.version,
        as_of=as_of,
        invoices=len(rows),
        mean_risk_late=round(float(predictions.risk[:, 0].mean()), 4),
        expected_within_30_days=int(np.sum(dates[:, 1] <= day + 30)),
    )


def _steps(progress: Progress | None, total: int) -> Callable[[], None]:
    """A counter that tells ``progress`` each time a step of ``total`` is done."""
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    return step


def _open_on(history: InvoiceHistory, day: int) -> np.ndarray:
    """Invoices issued by ``day`` and not paid by its end (credit memos are not predicted)."""
    return np.flatnonzero(history.is_invoice & (history.issue <= day) & (history.paid > day))


def _profile(
    history: InvoiceHistory, predictor: PaymentPredictor, rows: np.ndarray, day: int
) -> dict[str, Any]:
    if len(rows) == 0:
        return {}
    queries = Queries(rows=rows, as_of=np.full(len(rows), day), known=np.full(len(rows), day))
    features = point_in_time_features(history, queries)
    return profile(
        _scored_frame(features, predictor.predict(history, queries, explain=False, features=features))
    )


def drift_against(reference: dict[str, Any], frame: pd.DataFrame) -> dict[str, float | None]:
    """PSI of each input and score against the model's reference bins."""
    return {name: psi(bins, frame[name]) for name, bins in reference.items() if name in frame}


def _scored_frame(features: pd.DataFrame, predictions: Predictions) -> pd.DataFrame:
    """The watched inputs and the scores (P50 delay, P(late)) of a scored population."""
    frame = features[[name for name in features.columns if name not in NOT_WATCHED]].copy()
    frame["score_p50_delay"] = predictions.delay[:, 1]
    frame["score_risk_late"] = predictions.risk[:, 0]
    return frame


def _prediction_rows(
    stored: StoredHistory, predictions: Predictions, run_id: int, model_id: int, as_of: date
) -> list[dict[str, Any]]:
    dates = predictions.dates
    reasons = predictions.reasons or [[] for _ in range(len(dates))]
    if predictions.risk_reasons is not None:  # one JSON list: the P50's, then the risk's, marked
        reasons = [
            [*p50, *(RISK_PREFIX + r for r in risk)]
            for p50, risk in zip(reasons, predictions.risk_reasons, strict=True)
        ]
    pks = stored.invoice_pk[predictions.rows]
    return [
        {
            "run_id": run_id,
            "model_id": model_id,
            "invoice_id": int(pk),
            "as_of": as_of,
            "p10_date": day_of(int(d[0])),
            "p50_date": day_of(int(d[1])),
            "p90_date": day_of(int(d[2])),
            "risk_late": round(float(r[0]), 4),
            "risk_late30": round(float(r[1]), 4),
            "risk_late60": round(float(r[2]), 4),
            "reasons": why,
        }
        for pk, d, r, why in zip(pks, dates, predictions.risk, reasons, strict=True)
    ]


def paid_days(stored: StoredHistory) -> dict[int, int]:
    """Invoice id → the day it was paid, for invoices with a known payment."""
    paid = stored.history.paid
    known = paid < NEVER
    return dict(zip(stored.invoice_pk[known].tolist(), paid[known].tolist(), strict=True))
