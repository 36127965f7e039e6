"""`dunwell db downgrade` asks first; `--yes` skips the question; without a terminal it needs --yes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli_inputs import one_line
from dunwell.cli import db
from dunwell.cli.app import app
from dunwell.config import get_settings
from dunwell.kit.db import create_db_engine
from dunwell.kit.migrate import current_revision, head_revision

TARGET = "0009"


def _revision(url: str) -> str | None:
    engine = create_db_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture
def upgraded(cli, sqlite_url) -> str:
    assert cli("db", "upgrade").exit_code == 0
    return sqlite_url


def _downgrade_on_a_terminal(monkeypatch: pytest.MonkeyPatch, answer: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(db, "stdin_is_terminal", lambda: True)
    get_settings.cache_clear()
    return CliRunner().invoke(app, ["db", "downgrade", TARGET, *args], input=answer)


def test_without_a_terminal_a_downgrade_needs_yes(cli, upgraded) -> None:
    refused = cli("db", "downgrade", TARGET)

    assert refused.exit_code == 2
    assert "pass --yes" in one_line(refused.stderr)
    assert _revision(upgraded) == head_revision()


def test_a_downgrade_not_confirmed_changes_nothing(upgraded, monkeypatch) -> None:
    result = _downgrade_on_a_terminal(monkeypatch, "n\n")

    assert result.exit_code == 1
    assert f"to {TARGET}?" in result.stderr
    assert "not confirmed: the database is unchanged" in result.stderr
    assert _revision(upgraded) == head_revision()


def test_a_confirmed_downgrade_runs(upgraded, monkeypatch) -> None:
    result = _downgrade_on_a_terminal(monkeypatch, "y\n", "--json")

    assert result.exit_code == 0, result.output
    answer_echoed_by_the_test_runner = result.stdout.index("{")
    assert json.loads(result.stdout[answer_echoed_by_the_test_runner:])["revision"] == TARGET
    assert _revision(upgraded) == TARGET


def test_yes_skips_the_question(cli, upgraded) -> None:
    result = cli("db", "downgrade", TARGET, "--yes")

    assert result.exit_code == 0, result.output
    assert f"database at revision {TARGET}" in result.stdout
    assert _revision(upgraded) == TARGET


def test_an_unknown_revision_is_one_line(cli, upgraded) -> None:
    result = cli("db", "downgrade", "nope", "--yes", "--json")

    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "migration_refused"
