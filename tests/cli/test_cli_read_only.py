"""Reading commands never create or migrate a database; writing commands still migrate on first use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_inputs import INVOICES_CSV, one_line
from dunwell.kit.db import create_db_engine
from dunwell.kit.migrate import current_revision, head_revision, upgrade

READERS = [
    ["invoices", "show", "INV-1"],
    ["model", "list"],
    ["model", "monitor"],
    ["aging", "--as-of", "2024-03-31"],
    ["metrics", "--as-of", "2024-03-31"],
    ["cashapp", "review"],
    ["cashapp", "calibration"],
    ["cashapp", "export", "--out", "matches.csv"],
    ["cashapp", "evaluate", "--truth", "truth.csv"],
    ["terms", "list"],
    ["db", "current"],
]
IDS = [" ".join(args[:2]) for args in READERS]
BEHIND = "0009"


@pytest.fixture
def truth_file(write_file) -> Path:
    return write_file("truth.csv", "payment_ref,invoice_id,amount\nE-1,INV-1,100.00\n")


def _at_revision(url: str, revision: str) -> None:
    engine = create_db_engine(url)
    try:
        upgrade(engine, revision)
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = create_db_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", READERS, ids=IDS)
def test_a_reader_pointed_at_a_missing_database_says_so_and_creates_nothing(
    cli, sqlite_url, tmp_path, truth_file, args
) -> None:
    result = cli(*args)

    assert result.exit_code == 4, result.output
    assert f"no database at {tmp_path / 'cli.db'}" in one_line(result.stderr)
    assert "dunwell db upgrade" in result.stderr
    assert not (tmp_path / "cli.db").exists()
    assert not (tmp_path / "matches.csv").exists()


@pytest.mark.parametrize("args", [a for a in READERS if a[:2] != ["db", "current"]], ids=IDS[:-1])
def test_a_reader_on_a_schema_behind_the_code_names_both_revisions(cli, sqlite_url, truth_file, args) -> None:
    _at_revision(sqlite_url, BEHIND)

    result = cli(*args)

    assert result.exit_code == 5, result.output
    assert one_line(result.stderr) == (
        f"error: the database is at revision {BEHIND}; this Dunwell needs revision {head_revision()}: "
        "run `dunwell db upgrade`"
    )
    assert _revision(sqlite_url) == BEHIND  # not migrated


def test_the_schema_error_is_json_under_json(cli, sqlite_url) -> None:
    _at_revision(sqlite_url, BEHIND)

    result = cli("metrics", "--as-of", "2024-03-31", "--json")

    assert result.exit_code == 5
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["kind"]) == ("schema_not_current", "conflict")
    assert f"revision {BEHIND}" in error["message"]
    assert "dunwell db upgrade" in error["message"]


def test_an_empty_database_file_is_not_a_schema(cli, sqlite_url, tmp_path) -> None:
    (tmp_path / "cli.db").write_bytes(b"")

    result = cli("terms", "list")

    assert result.exit_code == 5
    assert "has no Dunwell schema yet" in one_line(result.stderr)


def test_writers_still_create_and_migrate_the_database(cli, sqlite_url, write_file, tmp_path) -> None:
    imported = cli("import", "invoices", write_file("book.csv", INVOICES_CSV), "--as-of", "2024-02-15")
    assert imported.exit_code == 0, imported.output
    assert (tmp_path / "cli.db").is_file()

    _at_revision(sqlite_url, BEHIND)
    assert cli("terms", "set", "NA32", "net 32").exit_code == 0
    assert _revision(sqlite_url) == head_revision()

    shown = cli("invoices", "show", "INV-1", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["invoice"] == "INV-1"


def test_db_current_says_how_far_behind_without_migrating(cli, sqlite_url) -> None:
    _at_revision(sqlite_url, BEHIND)

    text = cli("db", "current")
    as_json = cli("db", "current", "--json")

    assert text.exit_code == as_json.exit_code == 0
    assert "dunwell db upgrade" in text.stdout
    assert json.loads(as_json.stdout) == {"current": BEHIND, "head": head_revision(), "up_to_date": False}
    assert _revision(sqlite_url) == BEHIND
