"""Figures computed from the book, kept until the book changes (the dashboard's trend over a
million invoices takes seconds to compute and milliseconds to read back)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.orm.base import Base, Id, JsonDoc, utcnow


class BookVersion(Base):
    """One row: a counter that every committed change to the book moves forward (see
    ``dunwell.kit.book_version``). A figure computed at version N is current while it stays N."""

    __tablename__ = "book_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class ReportSnapshot(Base):
    """Figures of one report for one reader's scope, as computed at one book version."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    #: What was computed, for whom: report, scope (book or portfolio), currency, entity, day, period.
    key: Mapped[str] = mapped_column(String(400), unique=True)
    book_version: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Seconds the computation took (shown beside stale figures: "refreshing, about N s").
    compute_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: Set while a worker recomputes it, so several workers do not all start the same work.
    refreshing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
