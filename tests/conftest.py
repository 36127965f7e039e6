"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and the ../shared data folder.

Integration tests take the ``sessions`` fixture and run once per database. PostgreSQL tests need
``DUNWELL_TEST_POSTGRES_URL`` (``make test`` starts a throwaway server and sets it); without it they
skip, and the run's summary says so plainly.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dunwell.kit.db import create_db_engine, session_factory
from dunwell.kit.migrate import upgrade
from dunwell.orm import Base

SERVER_URL = os.environ.get("DUNWELL_TEST_POSTGRES_URL")
#: Under pytest-xdist (`make test` runs two workers) each worker has a database of its own on the
#: same server, created on first use: the tests empty their database between them.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
POSTGRES_URL = (
    make_url(SERVER_URL)
    .set(database=f"{make_url(SERVER_URL).database}_{XDIST_WORKER}")
    .render_as_string(hide_password=False)
    if SERVER_URL and XDIST_WORKER
    else SERVER_URL
)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"../shared/data not found at {SHARED_DATA}: this test reads the public sample data")
    return SHARED_DATA


@pytest.fixture(scope="session")
def _postgres_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL run skipped: DUNWELL_TEST_POSTGRES_URL is not set (make test sets it)")
    if POSTGRES_URL != SERVER_URL:
        _create_worker_database()
    engine = create_db_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


def _create_worker_database() -> None:
    assert SERVER_URL is not None
    assert POSTGRES_URL is not None
    name = make_url(POSTGRES_URL).database
    server = create_db_engine(SERVER_URL)
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if found is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()


def _truncate_postgres(engine: Engine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        # TRUNCATE does not fire the audit log's row triggers: the log is append-only for the app.
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # As migrated, but counting on from somewhere new: a worker's caches of the previous test's
        # book (same URL) must not pass for this one's.
        start = random.randrange(1, 2**40)
        connection.execute(text("INSERT INTO book_version (id, version) VALUES (1, :v)"), {"v": start})


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'dunwell.db'}"
        engine = create_db_engine(url)
        upgrade(engine)
        engine.dispose()
        return url
    engine = request.getfixturevalue("_postgres_engine")
    _truncate_postgres(engine)
    assert POSTGRES_URL is not None
    return POSTGRES_URL


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as s:
        yield s
        s.rollback()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SERVER_URL:
        # Counted from the reports, so it also holds when xdist workers ran the tests.
        ran = sum(1 for r in terminalreporter.stats.get("passed", []) if "[postgresql" in r.nodeid)
        terminalreporter.write_line(f"PostgreSQL: {ran} database tests passed against {SERVER_URL}")
    else:
        terminalreporter.write_line(
            "PostgreSQL: SKIPPED - DUNWELL_TEST_POSTGRES_URL not set; only SQLite was tested",
            yellow=True,
            bold=True,
        )


@pytest.fixture
def app_factory() -> Iterator[Callable[[str], Any]]:
    """``app_factory(database_url)``: the web app over that database; its engine's connections are
    closed after the test (PostgreSQL has a limited number of them)."""
    from dunwell.api import create_app
    from dunwell.config import Settings

    made: list[Any] = []

    def make(database_url: str) -> Any:
        app = create_app(Settings(database_url=database_url))
        made.append(app)
        return app

    yield make
    for app in made:
        app.state.engine.dispose()
