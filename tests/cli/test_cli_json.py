"""`--json` on every command; under it errors are JSON on stdout with the usual exit codes; each
command's help states the shape of its JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from cashapp.helpers import Entry, camt053
from dunwell.cli.app import app
from dunwell.kit.migrate import head_revision


def registered_commands() -> Iterator[tuple[str, Any]]:
    """Every leaf command of the app, as ("cashapp match", command)."""

    def walk(group: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        for name, command in sorted(group.commands.items()):
            if hasattr(command, "commands"):
                yield from walk(command, (*path, name))
            else:
                yield " ".join((*path, name)), command

    yield from walk(get_command(app), ())


COMMANDS = dict(registered_commands())


def documented_keys(name: str) -> set[str]:
    """The top-level keys the help's "JSON: {...}" paragraph names."""
    help_text = COMMANDS[name].help or ""
    found = re.search(r"JSON:[^{]*\{(.*?)\}", help_text, re.DOTALL)
    assert found, f"`{name}` --help does not say what its JSON holds"
    return set(re.findall(r'"(\w+)"', found.group(1)))


def test_the_app_has_the_commands_this_test_walks() -> None:
    assert {"version", "presets", "db upgrade", "db downgrade", "db current", "cashapp match",
            "cashapp run", "import invoices", "simulate policy"} <= set(COMMANDS)  # fmt: skip


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_takes_json_and_its_help_says_the_shape(name: str) -> None:
    options = {opt for param in COMMANDS[name].params for opt in getattr(param, "opts", [])}
    assert "--json" in options, f"`dunwell {name}` has no --json"
    assert "JSON:" in (COMMANDS[name].help or ""), f"`dunwell {name}` --help does not say what its JSON holds"


def _assert_shape(cli, name: str, *args: object) -> dict[str, Any]:
    result = cli(*name.split(), *args, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert documented_keys(name) <= set(payload), name
    return payload  # type: ignore[no-any-return]


def test_the_json_is_what_the_help_says(cli, sqlite_url, tmp_path: Path) -> None:
    assert _assert_shape(cli, "version")["version"]
    assert "ibm" in _assert_shape(cli, "presets")["invoices"]
    assert _assert_shape(cli, "db upgrade")["revision"] == head_revision()
    assert _assert_shape(cli, "db current")["up_to_date"] is True
    _assert_shape(cli, "terms set", "NA32", "2/10 net 32")
    assert _assert_shape(cli, "terms list")["count"] == 1
    assert _assert_shape(cli, "cashapp calibration")["source"] == "shipped"
    statement = tmp_path / "statement.xml"
    statement.write_text(camt053([Entry("E-1", "100.00", payer="Acme")]), encoding="utf-8")
    assert _assert_shape(cli, "cashapp parse", statement)["transactions"] == 1
    open_items = tmp_path / "OPEN.csv"
    open_items.write_text(
        "invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount\n"
        "1,C1,Acme,2024-01-02,2024-02-01,EUR,100.00\n",
        encoding="utf-8",
    )
    matched = _assert_shape(cli, "cashapp match", "--open-items", open_items, "--statement", statement,
                            "--out", tmp_path / "MATCHES.csv")  # fmt: skip
    assert matched["payments"] == 1
    made = _assert_shape(cli, "simulate company", "--customers", "3", "--months", "1", "--out", tmp_path)
    assert "invoices.csv" in made["files"]


def test_an_error_is_json_on_stdout_with_the_same_exit_code(cli, sqlite_url) -> None:
    assert cli("db", "upgrade").exit_code == 0

    not_found = cli("cashapp", "confirm", "999999", "--json")
    text = cli("cashapp", "confirm", "999999")

    assert not_found.exit_code == text.exit_code == 4
    assert json.loads(not_found.stdout) == {
        "error": {"code": "match_not_found", "kind": "not_found", "message": "no match 999999"}
    }
    assert not_found.stderr == ""
    assert text.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["metrics", "--json"], "Missing option '--as-of'"),  # click's own usage error
        (["cashapp", "confirm", "one", "--json"], "Invalid value for 'match_id'"),
        (["metrics", "--as-of", "31.03.2024", "--json"], "--as-of must be a date as YYYY-MM-DD"),
        (["simulate", "company", "--preset", "nope", "--out", "x", "--json"], "unknown preset 'nope'"),
    ],
)
def test_usage_errors_are_json_under_json(cli, sqlite_url, args, message) -> None:
    result = cli(*args)

    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "invalid"
    assert message in error["message"]
    assert set(error) == {"code", "kind", "message"}
