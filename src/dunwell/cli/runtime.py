"""What every command needs: settings, an engine, a session factory, and a consistent way to fail."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings, get_settings
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.db import create_db_engine, session_factory, unit_of_work
from dunwell.kit.migrate import ensure_schema

#: Exit codes: 2 is a usage or input error (as click uses it), 3 an import with rejected rows.
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_BY_KIND = {
    ErrorKind.INVALID: EXIT_USAGE,
    ErrorKind.NOT_FOUND: 4,
    ErrorKind.CONFLICT: 5,
    ErrorKind.FORBIDDEN: 6,
}

#: Wide enough for grouped tables when output goes to a file or pipe (rich assumes 80 there).
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


def fail(message: str, *, code: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr, no traceback."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one line and an exit code."""
    try:
        yield
    except DunwellError as exc:
        fail(str(exc), code=EXIT_BY_KIND.get(exc.kind, 1))
    except OperationalError as exc:
        fail(f"database error: {str(exc.orig).strip().splitlines()[0]}", code=1)


def open_runtime(*, migrate: bool = True) -> Runtime:
    """Connect to the configured database, migrating it on first use."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url, echo=settings.echo_sql)
    if migrate:
        ensure_schema(engine)
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


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
