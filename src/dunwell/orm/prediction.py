"""The model registry and the predictions each model made (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.orm.base import Base, Id, JsonDoc, utcnow


class PredictionModel(Base):
    """One trained payment predictor: what it learned from, how it scored, and the model itself.

    ``artifact`` is the estimator as data (``artifact_format``: a gzipped JSON document of LightGBM
    text models, arrays and states of allow-listed classes; ``ml.persist``), never pickle: reading
    it cannot run code. ``artifact_sha256`` is checked before it is read, so a damaged blob is
    refused.
    """

    __tablename__ = "prediction_models"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The training window: the first issue date learned from, and the last day whose events it saw.
    window_start: Mapped[date] = mapped_column(Date)
    known_until: Mapped[date] = mapped_column(Date)
    training_invoices: Mapped[int] = mapped_column(Integer)
    #: ``[{"name", "kind"}]`` in model order; scoring refuses a model whose schema the code lacks.
    feature_schema: Mapped[list[dict[str, str]]] = mapped_column(JsonDoc)
    params: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    #: Holdout backtest figures (with the baselines), or ``{}`` when trained without evaluation.
    metrics: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    #: Reference bins of the inputs and scores on the book open when it was trained (for PSI).
    reference_profile: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    software: Mapped[dict[str, str]] = mapped_column(JsonDoc)
    artifact: Mapped[bytes] = mapped_column(LargeBinary)
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    artifact_format: Mapped[str] = mapped_column(String(40))


class ScoringRun(Base):
    """One ``model score`` run: when, with which model, and how the scored population looked."""

    __tablename__ = "scoring_runs"
    __table_args__ = (UniqueConstraint("model_id", "as_of"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("prediction_models.id"))
    as_of: Mapped[date] = mapped_column(Date)
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    invoices: Mapped[int] = mapped_column(Integer)
    profile: Mapped[dict[str, Any]] = mapped_column(JsonDoc)


class InvoicePrediction(Base):
    """What a model predicted for one open invoice on one day, with its reasons."""

    __tablename__ = "invoice_predictions"
    __table_args__ = (
        UniqueConstraint("invoice_id", "run_id"),
        Index("ix_invoice_predictions_invoice_as_of", "invoice_id", "as_of"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("prediction_models.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    as_of: Mapped[date] = mapped_column(Date)
    p10_date: Mapped[date] = mapped_column(Date)
    p50_date: Mapped[date] = mapped_column(Date)
    p90_date: Mapped[date] = mapped_column(Date)
    #: P(paid late), P(more than 30 days late), P(more than 60 days late or written off).
    risk_late: Mapped[float] = mapped_column(Float)
    risk_late30: Mapped[float] = mapped_column(Float)
    risk_late60: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JsonDoc)
