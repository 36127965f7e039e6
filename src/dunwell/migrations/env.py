"""Alembic environment: runs on the connection handed over by ``dunwell.kit.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import dunwell.orm as orm

target_metadata = orm.Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `dunwell db upgrade` (dunwell.kit.migrate), not bare alembic")
_run(connection)
