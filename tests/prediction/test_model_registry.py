"""The model registry on a real database (SQLite and PostgreSQL): train, score, show, monitor.

The book is a small simulated company imported the way a user imports it, so outcomes, credit
memos and their allocations are the importer's, not the test's.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
from datetime import date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.collections import (
    Channel,
    DisputeCategory,
    DisputeStatus,
    PromiseStatus,
    TouchDirection,
    TouchOutcome,
)
from dunwell.core.errors import DunwellError
from dunwell.imports.flows import run_import
from dunwell.ingest import ImportKind, load_preset
from dunwell.ml.features import FEATURES
from dunwell.ml.history import NEVER, day_number
from dunwell.ml.naive import NAIVE
from dunwell.ml.persist import LIBRARIES
from dunwell.orm import AuditEntry, Customer, Invoice, InvoicePrediction, PredictionModel, PromiseToPay, Touch
from dunwell.orm.collections import Dispute
from dunwell.prediction.book import load_book
from dunwell.prediction.invoice_view import invoice_detail
from dunwell.prediction.monitoring import Thresholds, monitor_model
from dunwell.prediction.repository import ModelRepository
from dunwell.prediction.service import load_model, score_book, train_model
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

TRAINED_TO = date(2024, 12, 31)
SCORED_ON = date(2025, 1, 15)


#: Fewer trees than the product's default: these tests check the plumbing, not the accuracy.
FAST = {"n_estimators": 60, "n_jobs": 1}


@pytest.fixture(scope="module")
def company_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    company = generate_company(
        preset=PRESETS["distributor"], customers=40, months=15, seed=5, start=date(2024, 1, 1)
    )
    out = tmp_path_factory.mktemp("company")
    write_company(company, out)
    return out


@pytest.fixture
def stocked(sessions: sessionmaker[Session], company_files: Path) -> sessionmaker[Session]:
    for kind, name in ((ImportKind.CUSTOMERS, "customers.csv"), (ImportKind.INVOICES, "invoices.csv")):
        report = run_import(
            sessions,
            kind=kind,
            path=company_files / name,
            mapping=load_preset("sim", kind),
            mapping_label="sim",
            as_of=date(2025, 3, 31),
            batch_size=5000,
            snapshot=False,
            in_process=False,
        )
        assert report.rejected == 0
    return sessions


def test_a_model_is_registered_with_its_window_schema_and_metrics(stocked: sessionmaker[Session]) -> None:
    with stocked.begin() as session:
        result = train_model(session, as_of=TRAINED_TO, holdout_days=60, params=FAST)
    assert result.version == 1
    assert result.training_invoices > 500
    with stocked() as session:
        model = ModelRepository(session).get()
        assert model is not None
        assert model.version == 1
        assert model.known_until == TRAINED_TO
        assert model.window_start >= date(2024, 1, 1)
        assert [f["name"] for f in model.feature_schema] == list(FEATURES)
        # The holdout was inside what was known, and ends a horizon before the training day, so
        # that most of its invoices have an outcome: how many do not is reported.
        holdout = model.metrics["holdout"]
        assert model.metrics["cutoff"] == holdout["issued_from"]
        assert holdout["issued_from"] == (TRAINED_TO - timedelta(days=60 + 90 - 1)).isoformat()
        assert holdout["issued_to"] == (TRAINED_TO - timedelta(days=90)).isoformat()
        assert holdout["outcomes_known_until"] == TRAINED_TO.isoformat()
        assert 0 <= holdout["share_still_open"] < 0.2
        # The model-or-baseline choice of the registered model, as plain JSON.
        chosen = model.metrics["chosen"]
        assert set(chosen["groups"]) == {"new", "thin", "established"}
        for group in chosen["groups"].values():
            assert group["predictor"] in {"model", "blend", *NAIVE}
            assert 0 <= group["model_weight"] <= 1
        assert chosen["validation"]["known_until"] < TRAINED_TO.isoformat()
        assert model.metrics["mae_days"] < model.metrics["baselines"]["due_date"]["mae_days"]
        assert set(model.reference_profile) >= {"score_p50_delay", "score_risk_late", "cust_mean_delay"}
        assert model.software["lightgbm"]
        _, predictor = load_model(session)
        assert predictor.known_until_ == day_number(TRAINED_TO)
        actions = session.scalars(select(AuditEntry.action)).all()
        assert "model.trained" in actions
    with stocked.begin() as session:
        assert train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST).version == 2


def test_scoring_stores_one_prediction_per_open_invoice_naming_its_model(
    stocked: sessionmaker[Session],
) -> None:
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)
    with stocked.begin() as session:
        result = score_book(session, as_of=SCORED_ON)
    with stocked() as session:
        history = load_book(session).history
        day = day_number(SCORED_ON)
        open_then = int(np.sum(history.is_invoice & (history.issue <= day) & (history.paid > day)))
        assert result.invoices == open_then > 0
        stored = session.scalars(select(InvoicePrediction)).all()
        assert len(stored) == open_then
        model_id = session.scalar(select(PredictionModel.id).where(PredictionModel.version == 1))
        assert {p.model_id for p in stored} == {model_id}
        for p in stored:
            assert SCORED_ON <= p.p10_date < p.p50_date < p.p90_date  # never in the past, never flat
            assert 0 <= p.risk_late60 <= p.risk_late30 <= p.risk_late <= 1
            assert p.reasons
            assert any(r.startswith("risk: ") for r in p.reasons)
    # Scoring the same day again replaces the run: no duplicates.
    with stocked.begin() as session:
        score_book(session, as_of=SCORED_ON)
    with stocked() as session:
        assert session.scalar(select(func.count()).select_from(InvoicePrediction)) == open_then


def test_a_model_is_never_used_before_the_end_of_what_it_learned(stocked: sessionmaker[Session]) -> None:
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)
    with stocked() as session, pytest.raises(DunwellError, match="unknown then"):
        score_book(session, as_of=TRAINED_TO - timedelta(days=1))


def test_a_damaged_artifact_is_refused_not_unpickled(stocked: sessionmaker[Session]) -> None:
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)
        session.execute(update(PredictionModel).values(artifact=b"not a model"))
    with stocked() as session, pytest.raises(DunwellError, match="damaged"):
        load_model(session)


def test_a_pickled_model_is_never_read_and_a_forged_document_is_refused(
    stocked: sessionmaker[Session],
) -> None:
    """Even with a matching checksum (anyone who can write the row can compute one)."""
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)
        record = session.scalars(select(PredictionModel)).one()
        assert record.artifact_format == "dunwell-model-json-gzip/1"
        assert b"\x80\x04" not in gzip.decompress(record.artifact)[:2]  # JSON, not a pickle stream
        legacy = pickle.dumps({"anything": 1})
        record.artifact, record.artifact_format = legacy, "pickle"
        record.artifact_sha256 = hashlib.sha256(legacy).hexdigest()
    with stocked() as session, pytest.raises(DunwellError, match="stored as pickle"):
        load_model(session)

    libraries = {name: version(name) for name in LIBRARIES}  # as a real document records them
    forged = {"format": "dunwell-model", "format_version": 1,
              "libraries": libraries, "model": {"object": "os.system", "state": {"dict": []}}}  # fmt: skip
    blob = gzip.compress(json.dumps(forged).encode())
    with stocked.begin() as session:
        record = session.scalars(select(PredictionModel)).one()
        record.artifact, record.artifact_format = blob, "dunwell-model-json-gzip/1"
        record.artifact_sha256 = hashlib.sha256(blob).hexdigest()
    with stocked() as session, pytest.raises(DunwellError, match=r"may not build a os\.system"):
        load_model(session)


def test_training_and_scoring_report_their_progress(stocked: sessionmaker[Session]) -> None:
    trained: list[tuple[int, int]] = []
    scored: list[tuple[int, int]] = []
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST,
                    progress=lambda done, total: trained.append((done, total)))  # fmt: skip
        score_book(session, as_of=SCORED_ON, progress=lambda done, total: scored.append((done, total)))

    assert trained == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    assert scored == [(1, 3), (2, 3), (3, 3)]


def test_invoice_detail_shows_the_latest_prediction_with_reasons(stocked: sessionmaker[Session]) -> None:
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)
        score_book(session, as_of=SCORED_ON)
    with stocked() as session:
        invoice_id = session.scalar(select(InvoicePrediction.invoice_id).limit(1))
        number = session.scalar(select(Invoice.number).where(Invoice.id == invoice_id))
        assert number is not None
        detail = invoice_detail(session, number)
        prediction = detail["prediction"]
        assert prediction["model_version"] == 1
        assert prediction["as_of"] == SCORED_ON.isoformat()
        assert prediction["p10_date"] <= prediction["p50_date"] <= prediction["p90_date"]
        *drivers, total = prediction["reasons"]
        assert len(drivers) <= 3
        assert all("days)" in reason for reason in drivers)
        assert total.startswith("P50 ")
        assert 1 <= len(prediction["risk_reasons"]) <= 3
        assert all("the risk" in reason for reason in prediction["risk_reasons"])
        with pytest.raises(DunwellError, match="no invoice"):
            invoice_detail(session, "NO-SUCH-NUMBER")


def test_monitor_reports_accuracy_calibration_and_drift_and_flags_retraining(
    stocked: sessionmaker[Session],
) -> None:
    with stocked.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)
        for day in (SCORED_ON, date(2025, 2, 1)):
            score_book(session, as_of=day)
    with stocked() as session:
        report = monitor_model(session)
        lenient = monitor_model(session, thresholds=Thresholds(min_within_5=0.0, max_psi=100.0))
        strict = monitor_model(session, thresholds=Thresholds(min_within_5=1.0, max_psi=100.0))
        blind = monitor_model(session, as_of=SCORED_ON)
    months = {m["month"]: m for m in report["months"]}
    assert set(months) == {"2025-01", "2025-02"}
    january = months["2025-01"]
    assert january["resolved_share"] > 0.8
    assert 0 < january["mae_days"] < 15
    assert 0 <= january["within_5_days"] <= 1
    assert january["auc_late"] > 0.6
    assert report["calibration_late"]["bins"]
    assert report["drift"]["scored_as_of"] == "2025-02-01"
    assert set(report["drift"]["scores"]) == {"score_p50_delay", "score_risk_late"}
    assert not lenient["retrain"]
    assert strict["retrain"]
    assert "within ±5 days" in strict["retrain_reasons"][0]
    # On the scoring day itself almost nothing has an outcome yet.
    assert blind["months"][0]["resolved_share"] < january["resolved_share"]


def test_the_book_reads_touches_promises_and_disputes_from_the_database(
    stocked: sessionmaker[Session],
) -> None:
    with stocked.begin() as session:
        customer = session.scalars(select(Customer).order_by(Customer.id).limit(1)).one()
        session.add(
            Touch(
                customer_id=customer.id,
                channel=Channel.EMAIL,
                direction=TouchDirection.OUTBOUND,
                outcome=TouchOutcome.DELIVERED,
                occurred_at=datetime(2024, 6, 3, 9, 30),
            )
        )
        session.add(
            PromiseToPay(
                customer_id=customer.id,
                made_on=date(2024, 6, 3),
                promised_date=date(2024, 6, 10),
                currency="USD",
                amount_minor=100_00,
                status=PromiseStatus.BROKEN,
                recorded_by="test",
            )
        )
        invoice = session.scalars(
            select(Invoice).where(Invoice.customer_id == customer.id).order_by(Invoice.id).limit(1)
        ).one()
        session.add(
            Dispute(
                customer_id=customer.id,
                invoice_id=invoice.id,
                category=DisputeCategory.PRICING,
                status=DisputeStatus.RESOLVED_CREDITED,
                currency="USD",
                amount_minor=10_00,
                opened_on=date(2024, 6, 1),
                resolved_on=date(2024, 6, 20),
            )
        )
        invoice_pk = invoice.id
    with stocked() as session:
        stored = load_book(session)
        history = stored.history
    # The dispute is point in time: its opening and closing days, not today's flag.
    at = int(np.flatnonzero(stored.invoice_pk == invoice_pk)[0])
    assert history.dispute_opened[at] == day_number(date(2024, 6, 1))
    assert history.dispute_closed[at] == day_number(date(2024, 6, 20))
    activity = history.activity
    assert list(activity.touch_day) == [day_number(date(2024, 6, 3))]
    assert list(activity.promise_due) == [day_number(date(2024, 6, 10))]
    assert activity.promise_broken.tolist() == [True]
    assert history.customer_names[int(activity.touch_customer[0])] == str(customer.id)
    assert (history.paid[history.is_invoice] < NEVER).mean() > 0.8
