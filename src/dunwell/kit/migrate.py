"""Schema migrations (Alembic) run programmatically, so an installed package can migrate itself.

Writing commands migrate on first use (``ensure_schema``); reading commands never create or
migrate a database: ``require_current_schema`` says what is missing or behind instead.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from dunwell.core.errors import DunwellError, ErrorKind


class DatabaseMissing(DunwellError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="database_missing", kind=ErrorKind.NOT_FOUND)


class SchemaNotCurrent(DunwellError):
    """The database's schema is not the one this code needs (behind, empty, or from a newer version)."""

    def __init__(self, message: str, *, current: str | None, needed: str | None) -> None:
        super().__init__(message, code="schema_not_current", kind=ErrorKind.CONFLICT)
        self.current = current
        self.needed = needed


class MigrationRefused(DunwellError):
    """Alembic cannot do what was asked (an unknown revision, a downgrade target above the current)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="migration_refused", kind=ErrorKind.INVALID)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "dunwell:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database at ``engine`` up to ``revision`` (idempotent)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, revision)
        except CommandError as exc:
            raise MigrationRefused(f"cannot upgrade to {revision!r}: {exc}") from exc


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        try:
            command.downgrade(config, revision)
        except CommandError as exc:
            raise MigrationRefused(f"cannot downgrade to {revision!r}: {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revision(revision: str) -> bool:
    """Whether this code's migrations include ``revision``."""
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def ensure_schema(engine: Engine) -> None:
    """Migrate on first use: cheap when the database is already at head."""
    if current_revision(engine) != head_revision():
        upgrade(engine)


def sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names (None for other databases and in-memory SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:") or url.query.get("mode") == "memory":
        return None  # a SQLite URI; left to SQLite
    return Path(url.database)


def require_database(engine: Engine) -> None:
    """Refuse a SQLite file that does not exist (connecting would create it)."""
    path = sqlite_file(engine.url)
    if path is not None and not path.is_file():
        raise DatabaseMissing(
            f"no database at {path}: check DUNWELL_DATABASE_URL, or create it with `dunwell db upgrade`"
        )


def require_current_schema(engine: Engine) -> None:
    """For reading: the database exists and is at the revision this code needs; never migrates."""
    require_database(engine)
    current, needed = current_revision(engine), head_revision()
    if current == needed:
        return
    if current is None:
        message = (
            f"the database has no Dunwell schema yet; this Dunwell needs revision {needed}: "
            "run `dunwell db upgrade`"
        )
    elif known_revision(current):
        message = (
            f"the database is at revision {current}; this Dunwell needs revision {needed}: "
            "run `dunwell db upgrade`"
        )
    else:
        message = (
            f"the database is at revision {current}, which this Dunwell does not know (it needs "
            f"revision {needed}): the database was migrated by a newer Dunwell; upgrade Dunwell"
        )
    raise SchemaNotCurrent(message, current=current, needed=needed)
