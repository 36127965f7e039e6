"""Fixtures for the import-flow tests: write a small file, run an import, look at the database.

Test modules here cannot import each other (importlib mode), so the helpers are fixtures:
``write_csv``, ``do_import`` and ``book`` (table snapshots, counts, metrics as of a date).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.metrics import ARMetrics
from dunwell.imports.flows import run_import
from dunwell.imports.report import ImportReport
from dunwell.ingest import ImportKind, ImportMapping, identity_mapping
from dunwell.orm import Base
from dunwell.reporting.service import metrics_as_of

#: Tables an import may write to besides its own run records (import_batches, audit_log).
DOMAIN_TABLES = (
    "legal_entities",
    "users",
    "customers",
    "invoices",
    "invoice_revisions",
    "payments",
    "allocations",
)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write ``text`` (dedented, leading newline dropped) to ``tmp_path/name``; return the path."""

    def write(text: str, name: str = "input.csv") -> Path:
        path = tmp_path / name
        path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def do_import(sessions: sessionmaker[Session]) -> Callable[..., ImportReport]:
    """``do_import(kind, path, as_of=..., mapping=None, batch_size=1000, snapshot=False)``.

    ``in_process=True`` parses in a reader process, as large files are.
    """

    def run(
        kind: ImportKind,
        path: Path,
        *,
        as_of: date,
        mapping: ImportMapping | None = None,
        batch_size: int = 1000,
        snapshot: bool = False,
        in_process: bool = False,
    ) -> ImportReport:
        return run_import(
            sessions,
            kind=kind,
            path=path,
            mapping=mapping or identity_mapping(kind),
            mapping_label="test",
            as_of=as_of,
            batch_size=batch_size,
            snapshot=snapshot,
            in_process=in_process,
        )

    return run


class Book:
    """Read-only views of the database the imports wrote to (each in a fresh session)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every domain table: equal snapshots mean the import wrote nothing."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        with self.sessions() as session:
            for name in DOMAIN_TABLES:
                table = Base.metadata.tables[name]
                rows = session.execute(select(table).order_by(*table.primary_key.columns))
                out[name] = [tuple(row) for row in rows]
        return out

    def counts(self) -> dict[str, int]:
        with self.sessions() as session:
            return {
                name: session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0
                for name in DOMAIN_TABLES
            }

    def all(self, model: type[Any], *order_by: Any) -> list[Any]:
        """Every ORM object of ``model`` (detached, attributes loaded), ordered by id unless told."""
        with self.sessions() as session:
            stmt = select(model).order_by(*(order_by or (model.id,)))
            return list(session.scalars(stmt))

    def metrics(self, day: date, **kwargs: Any) -> ARMetrics:
        with self.sessions() as session:
            return metrics_as_of(session, as_of=day, **kwargs).overall

    def total_ar(self, day: date) -> Decimal:
        return self.metrics(day).total_ar


@pytest.fixture
def book(sessions: sessionmaker[Session]) -> Book:
    return Book(sessions)


def _read_rejects(path: Path | None) -> list[dict[str, str]]:
    assert path is not None, "expected a reject file"
    assert path.is_file(), f"reject file {path} is missing"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def read_rejects() -> Callable[[Path | None], list[dict[str, str]]]:
    """The reject file as dicts (``line``, ``field``, ``reason`` and the source's own columns)."""
    return _read_rejects
