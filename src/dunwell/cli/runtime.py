"""What every command needs: settings, an engine, a session factory, and a consistent way to fail.

Writing commands open the database with ``open_runtime()``, which creates and migrates it on first
use. Reading commands use ``open_reader()``: it never creates or migrates a database, and says so
when the file is missing or the schema is behind the code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from dunwell.cli.errors import (
    EXIT_BY_KIND,
    EXIT_REJECTED,
    EXIT_USAGE,
    fail,
    json_requested,
    user_errors,
)
from dunwell.cli.output import console, err_console, print_json
from dunwell.config import Settings, get_settings
from dunwell.kit.db import create_db_engine, session_factory, unit_of_work
from dunwell.kit.migrate import ensure_schema, require_current_schema

__all__ = [
    "EXIT_BY_KIND",
    "EXIT_REJECTED",
    "EXIT_USAGE",
    "Runtime",
    "console",
    "err_console",
    "fail",
    "json_requested",
    "open_reader",
    "open_runtime",
    "parse_day",
    "print_json",
    "transaction",
    "user_errors",
]


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def open_runtime(*, migrate: bool = True) -> Runtime:
    """Connect to the configured database for writing, creating and migrating it on first use
    (``migrate=False``: as it is, for `dunwell db`)."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url, echo=settings.echo_sql)
    if migrate:
        ensure_schema(engine)
    return Runtime(settings=settings, engine=engine, sessions=session_factory(engine))


def open_reader() -> Runtime:
    """Connect for reading: the database must exist and be at the code's revision (never migrated
    here; the error names both revisions and says to run `dunwell db upgrade`)."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url, echo=settings.echo_sql)
    require_current_schema(engine)
    return Runtime(settings=settings, engine=engine, sessions=session_factory(engine))


@contextmanager
def transaction(runtime: Runtime) -> Iterator[Session]:
    with unit_of_work(runtime.sessions) as session:
        yield session


def parse_day(value: str, *, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}")
