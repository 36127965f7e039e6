"""The deployment's confidence models and the decisions they learn from, as stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dunwell.orm.audit import AuditEntry
from dunwell.orm.cashapp import CashConfidenceModel

#: The audit entries that say how a match turned out.
DECISION_ACTIONS = ("cashapp.auto_applied", "cashapp.confirmed", "cashapp.rejected")


class ConfidenceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def active_model(self) -> CashConfidenceModel | None:
        query = (
            select(CashConfidenceModel)
            .where(CashConfidenceModel.active.is_(True))
            .order_by(CashConfidenceModel.id.desc())
            .limit(1)
        )
        return self.session.scalars(query).first()

    def deactivate_all(self) -> None:
        self.session.execute(update(CashConfidenceModel).values(active=False))

    def add_model(self, row: CashConfidenceModel) -> CashConfidenceModel:
        self.session.add(row)
        self.session.flush()
        return row

    def decisions(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(action, subject id, details) of every decision entry, oldest first."""
        query = select(AuditEntry).where(AuditEntry.action.in_(DECISION_ACTIONS)).order_by(AuditEntry.id)
        for entry in self.session.scalars(query):
            yield entry.action, entry.subject_id, entry.details
