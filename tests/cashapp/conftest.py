"""Fixtures for cash application: the small book and camt.053 statements written on the spot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cashapp.helpers import ENTITY, Book, Entry, camt053, make_book
from dunwell.cashapp.service import ImportResult, import_statement


@pytest.fixture
def book(session: Session) -> Book:
    return make_book(session)


@pytest.fixture
def write_camt(tmp_path: Path) -> Callable[..., Path]:
    def write(entries: list[Entry], name: str = "statement.xml", **kwargs: str | None) -> Path:
        path = tmp_path / name
        path.write_text(camt053(entries, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
        return path

    return write


@pytest.fixture
def import_camt(session: Session, write_camt: Callable[..., Path]) -> Callable[..., ImportResult]:
    """Write a statement with ``entries`` and import it for entity E1."""

    def run(entries: list[Entry], name: str = "statement.xml", **kwargs: str | None) -> ImportResult:
        return import_statement(
            session, write_camt(entries, name, **kwargs), entity_code=ENTITY, actor="test"
        )

    return run


@pytest.fixture
def count(session: Session) -> Callable[[type], int]:
    def rows(model: type) -> int:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)

    return rows
