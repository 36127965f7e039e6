"""Engine and session plumbing: one engine per URL, one transaction per command or request.

Services only ``flush``; the edge that opened the unit of work commits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.errors import DunwellError, ErrorKind


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run during an import; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # 256 MB of page cache (allocated only as used) instead of 2 MB: bulk imports update several
    # indexes per row, and with the default cache a million-row import slows down as it grows.
    cursor.execute("PRAGMA cache_size=-262144")
    cursor.close()


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url`` with Dunwell's per-dialect settings; a bad URL is a clear error."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DunwellError(f"invalid database URL {url!r}: {exc}", code="bad_database_url") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    raise DunwellError(
        f"unsupported database {parsed.get_backend_name()!r}: use sqlite:/// or postgresql+psycopg://",
        code="bad_database_url",
        kind=ErrorKind.INVALID,
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping(session: Session) -> None:
    """One round trip to the database (the health check)."""
    session.execute(text("SELECT 1"))
