"""The audit log names a person: --by, else DUNWELL_USER, else the login name; never "cli"."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from typer.main import get_command

from cli_inputs import INVOICES_CSV
from dunwell.cli.app import app
from dunwell.kit.db import create_db_engine, session_factory
from dunwell.orm.audit import AuditEntry

WRITERS = [
    "import invoices",
    "import payments",
    "import customers",
    "terms set",
    "cashapp import",
    "cashapp run",
    "cashapp confirm",
    "cashapp reject",
    "cashapp recalibrate",
    "model train",
    "model score",
    "writeoffs approve",
    "writeoffs reject",
    "writeoffs reverse",
    "invoices write-off",
]


def _commands() -> Iterator[tuple[str, Any]]:
    def walk(group: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        for name, command in group.commands.items():
            if hasattr(command, "commands"):
                yield from walk(command, (*path, name))
            else:
                yield " ".join((*path, name)), command

    yield from walk(get_command(app), ())


COMMANDS = dict(_commands())


def _by_option(command: Any) -> Any:
    return next((p for p in command.params if "--by" in getattr(p, "opts", ())), None)


@pytest.mark.parametrize("name", WRITERS)
def test_every_writing_command_takes_by_defaulting_to_the_person(name: str) -> None:
    option = _by_option(COMMANDS[name])

    assert option is not None, f"`dunwell {name}` writes but takes no --by"
    assert option.envvar == "DUNWELL_USER"
    assert option.default != "cli"


def test_no_command_defaults_by_to_a_constant() -> None:
    for name, command in COMMANDS.items():
        option = _by_option(command)
        if option is not None:
            assert option.default != "cli", name


def _actors(url: str, action: str) -> list[str]:
    engine = create_db_engine(url)
    try:
        with session_factory(engine)() as session:
            query = select(AuditEntry.actor).where(AuditEntry.action == action).order_by(AuditEntry.id)
            return list(session.scalars(query))
    finally:
        engine.dispose()


def test_the_audit_log_names_by_else_dunwell_user_else_the_login(
    cli, sqlite_url, write_file, monkeypatch
) -> None:
    assert cli("terms", "set", "NA30", "net 30").exit_code == 0
    monkeypatch.setenv("DUNWELL_USER", "ann")
    assert cli("terms", "set", "NA31", "net 31").exit_code == 0
    assert cli("terms", "set", "NA32", "net 32", "--by", "bob").exit_code == 0
    imported = cli("import", "invoices", write_file("book.csv", INVOICES_CSV), "--as-of", "2024-02-15")
    assert imported.exit_code == 0, imported.output

    assert _actors(sqlite_url, "terms.set") == [getpass.getuser(), "ann", "bob"]
    assert _actors(sqlite_url, "import.invoices") == ["ann"]


def test_without_any_name_the_command_asks_for_by(cli, sqlite_url, monkeypatch) -> None:
    def nobody() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", nobody)

    result = cli("terms", "set", "NA30", "net 30")

    assert result.exit_code == 2
    assert "pass --by NAME or set DUNWELL_USER" in result.stderr
