"""The Alembic history builds exactly the schema the mapped classes describe, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from dunwell.core.errors import DunwellError
from dunwell.kit.db import create_db_engine
from dunwell.kit.migrate import current_revision, downgrade, ensure_schema, head_revision, upgrade
from dunwell.orm import Base


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert "invoices" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_ensure_schema_is_idempotent(engine: Engine) -> None:
    ensure_schema(engine)
    ensure_schema(engine)
    assert current_revision(engine) == head_revision()


def test_first_use_creates_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    engine = create_db_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    assert path.exists()
    assert current_revision(engine) == head_revision()
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "invalid database URL"), ("mysql://u@h/db", "unsupported database 'mysql'")],
)
def test_bad_database_urls_are_clear_errors(url: str, message: str) -> None:
    with pytest.raises(DunwellError, match=message):
        create_db_engine(url)
