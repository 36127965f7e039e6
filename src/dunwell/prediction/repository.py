"""All SQL about trained models, scoring runs and stored predictions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased

from dunwell.kit.bulk import insert_rows
from dunwell.orm.base import table_of
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice, InvoiceRevision
from dunwell.orm.payment import Allocation, Payment
from dunwell.orm.prediction import InvoicePrediction, PredictionModel, ScoringRun

_CHUNK = 50_000


class ModelRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_version(self) -> int:
        latest = self.session.scalar(select(func.max(PredictionModel.version)))
        return (latest or 0) + 1

    def add(self, model: PredictionModel) -> PredictionModel:
        self.session.add(model)
        self.session.flush()
        return model

    def get(self, version: int | None = None) -> PredictionModel | None:
        """The model with ``version``, or the newest one."""
        stmt = select(PredictionModel)
        stmt = (
            stmt.where(PredictionModel.version == version)
            if version is not None
            else stmt.order_by(PredictionModel.version.desc()).limit(1)
        )
        return self.session.scalars(stmt).first()

    def summaries(self) -> list[dict[str, Any]]:
        """Every model, newest first, without its artifact, with its scoring runs counted."""
        m = PredictionModel
        runs = (
            select(ScoringRun.model_id, func.count().label("runs"), func.max(ScoringRun.as_of).label("last"))
            .group_by(ScoringRun.model_id)
            .subquery()
        )
        rows = self.session.execute(
            select(
                m.version,
                m.trained_at,
                m.window_start,
                m.known_until,
                m.training_invoices,
                m.metrics,
                m.params,
                m.feature_schema,
                runs.c.runs,
                runs.c["last"],
            )
            .outerjoin(runs, runs.c.model_id == m.id)
            .order_by(m.version.desc())
        )
        return [dict(row._mapping) for row in rows]

    def replace_run(self, model_id: int, as_of: date, invoices: int, profile: dict[str, Any]) -> int:
        """A fresh scoring run for (model, day): scoring the same day again replaces the last one."""
        old = self.session.scalar(
            select(ScoringRun.id).where(ScoringRun.model_id == model_id, ScoringRun.as_of == as_of)
        )
        if old is not None:
            self.session.execute(delete(InvoicePrediction).where(InvoicePrediction.run_id == old))
            self.session.execute(delete(ScoringRun).where(ScoringRun.id == old))
        run = ScoringRun(model_id=model_id, as_of=as_of, invoices=invoices, profile=profile)
        self.session.add(run)
        self.session.flush()
        return run.id

    def add_predictions(self, rows: Sequence[dict[str, Any]]) -> None:
        table = table_of(InvoicePrediction)
        for start in range(0, len(rows), _CHUNK):
            insert_rows(self.session, table, rows[start : start + _CHUNK])

    def latest_run(self, model_id: int) -> ScoringRun | None:
        return self.session.scalars(
            select(ScoringRun)
            .where(ScoringRun.model_id == model_id)
            .order_by(ScoringRun.as_of.desc())
            .limit(1)
        ).first()

    def latest_prediction(self, invoice_id: int) -> tuple[InvoicePrediction, int] | None:
        """The newest prediction for an invoice (latest day, then newest model), with its version."""
        row = self.session.execute(
            select(InvoicePrediction, PredictionModel.version)
            .join(PredictionModel, PredictionModel.id == InvoicePrediction.model_id)
            .where(InvoicePrediction.invoice_id == invoice_id)
            .order_by(InvoicePrediction.as_of.desc(), PredictionModel.version.desc())
            .limit(1)
        ).first()
        return None if row is None else (row[0], row[1])

    def first_predictions_by_month(self, model_id: int) -> list[dict[str, Any]]:
        """Each invoice's first prediction by this model in each calendar month, with the invoice's
        due date (its outcome comes from the book, which knows write-offs and cancellations)."""
        p = table_of(InvoicePrediction).c
        i = table_of(Invoice).c
        rows = self.session.execute(
            select(
                p.invoice_id,
                p.as_of,
                p.p10_date,
                p.p50_date,
                p.p90_date,
                p.risk_late,
                i.due_date,
            )
            .join(table_of(Invoice), i.id == p.invoice_id)
            .where(p.model_id == model_id)
            .order_by(p.invoice_id, p.as_of)
        )
        first: dict[tuple[int, str], dict[str, Any]] = {}
        for row in rows:
            key = (row.invoice_id, row.as_of.strftime("%Y-%m"))
            if key not in first:
                first[key] = dict(row._mapping)
        return list(first.values())

    def invoices_numbered(
        self, number: str, *, entity: str | None = None
    ) -> list[tuple[Invoice, Customer, str]]:
        """Every document numbered ``number`` (in ``entity``), with its customer and entity code."""
        stmt = (
            select(Invoice, Customer, LegalEntity.code)
            .join(Customer, Customer.id == Invoice.customer_id)
            .join(LegalEntity, LegalEntity.id == Invoice.entity_id)
            .where(Invoice.number == number)
        )
        if entity is not None:
            stmt = stmt.where(LegalEntity.code == entity)
        return [(invoice, customer, code) for invoice, customer, code in self.session.execute(stmt)]

    def allocations_of(self, invoice_id: int) -> list[dict[str, Any]]:
        """Every settlement of a document, reversed ones too, oldest first, with the payment or
        credit memo behind it."""
        memo = aliased(Invoice)
        rows = self.session.execute(
            select(
                Allocation.id,
                Allocation.kind,
                Allocation.currency,
                Allocation.amount_minor,
                Allocation.applied_on,
                Allocation.applied_by,
                Allocation.reversed_on,
                Allocation.reversed_by,
                Allocation.reversal_reason,
                Payment.natural_key.label("payment_key"),
                Payment.value_date.label("payment_value_date"),
                Payment.payer_name,
                Payment.bank_reference,
                memo.number.label("credit_memo"),
            )
            .outerjoin(Payment, Payment.id == Allocation.payment_id)
            .outerjoin(memo, memo.id == Allocation.credit_memo_id)
            .where(Allocation.invoice_id == invoice_id)
            .order_by(Allocation.applied_on, Allocation.id)
        )
        return [dict(row._mapping) for row in rows]

    def revisions_of(self, invoice_id: int) -> list[InvoiceRevision]:
        """What imports changed on a document, oldest first."""
        return list(
            self.session.scalars(
                select(InvoiceRevision)
                .where(InvoiceRevision.invoice_id == invoice_id)
                .order_by(InvoiceRevision.recorded_at, InvoiceRevision.id)
            )
        )
