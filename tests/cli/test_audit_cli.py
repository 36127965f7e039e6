"""`dunwell audit verify`: exit 0 and an intact report for an untouched log, exit 1 naming the entry
for a tampered one, as text or JSON, on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select, text

from cli_inputs import one_line
from dunwell.kit.audit import record
from dunwell.kit.db import create_db_engine, session_factory, unit_of_work
from dunwell.kit.migrate import upgrade
from dunwell.orm.audit import AuditEntry

Cli = Callable[..., Result]


def _log_entries(url: str, count: int) -> list[int]:
    """``count`` audited decisions in a migrated database at ``url``; their ids in chain order."""
    engine = create_db_engine(url)
    try:
        upgrade(engine)
        with unit_of_work(session_factory(engine)) as session:
            for n in range(count):
                record(session, actor="user:ann", action="terms.set", subject_type="terms",
                       subject_id=f"T{n}", details={"definition": "net 30", "n": n})  # fmt: skip
        with unit_of_work(session_factory(engine)) as session:
            return list(session.scalars(select(AuditEntry.id).order_by(AuditEntry.seq)))
    finally:
        engine.dispose()


def _tamper(url: str, statement: str, **params: Any) -> None:
    """As the database's owner would: without the append-only triggers, which come back after
    (the PostgreSQL database is shared by later tests)."""
    engine = create_db_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    guards = ["audit_log_no_update", "audit_log_no_delete"] if sqlite else []
    try:
        with engine.begin() as connection:
            for name in guards:
                connection.execute(text(f"DROP TRIGGER {name}"))
            if not sqlite:
                connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            connection.execute(text(statement), params)
            for verb in ("UPDATE", "DELETE") if sqlite else ():
                connection.execute(text(
                    f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                ))  # fmt: skip
            if not sqlite:
                connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    finally:
        engine.dispose()


def test_an_intact_log_exits_0(cli: Cli, sqlite_url: str) -> None:
    _log_entries(sqlite_url, 3)

    result = cli("audit", "verify")

    assert result.exit_code == 0, result.output
    assert one_line(result.stdout).startswith("audit log intact: 3 entries; head seq 3, hash ")


def test_the_json_is_what_the_help_says(cli: Cli, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUNWELL_DATABASE_URL", database_url)
    _log_entries(database_url, 4)

    result = cli("audit", "verify", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["entries"] == 4
    assert payload["intact"] is True
    assert payload["problems"] == []
    assert payload["head"]["seq"] == 4
    assert len(payload["head"]["entry_hash"]) == 64


def test_an_edit_and_a_deletion_exit_1_naming_the_entries(
    cli: Cli, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUNWELL_DATABASE_URL", database_url)
    ids = _log_entries(database_url, 5)
    _tamper(database_url, "UPDATE audit_log SET actor = 'user:mallory' WHERE id = :id", id=ids[1])
    _tamper(database_url, "DELETE FROM audit_log WHERE id = :id", id=ids[3])

    result = cli("audit", "verify", "--json")

    assert result.exit_code == 1, result.output
    payload = json.loads(result.stdout)
    assert (payload["entries"], payload["intact"]) == (4, False)
    assert [(p["id"], p["seq"], p["problem"]) for p in payload["problems"]] == [
        (ids[1], 2, "edited"),
        (ids[4], 5, "deleted_before"),
    ]
    assert "seq 4" in payload["problems"][1]["detail"]


def test_a_broken_log_as_text_names_the_first_problem(cli: Cli, sqlite_url: str) -> None:
    ids = _log_entries(sqlite_url, 3)
    _tamper(
        sqlite_url, 'UPDATE audit_log SET details = \'{"definition": "net 90"}\' WHERE id = :id', id=ids[0]
    )

    result = cli("audit", "verify")

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("audit log NOT intact: 1 problem(s) in 3 entries")
    assert lines[1].startswith(f"  id {ids[0]} (seq 1): edited: its contents do not give its hash")


def test_verify_reads_only_a_missing_database_is_an_error(cli: Cli, sqlite_url: str, tmp_path: Any) -> None:
    result = cli("audit", "verify")

    assert result.exit_code == 4
    assert "no database at" in one_line(result.stderr)
    assert not (tmp_path / "cli.db").exists()
