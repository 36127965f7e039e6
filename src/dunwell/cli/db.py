"""`dunwell db`: schema migrations."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, fail, open_runtime, print_json, user_errors
from dunwell.kit.migrate import current_revision, downgrade, head_revision, require_database, upgrade

app = typer.Typer(help="Database schema: upgrade, inspect, downgrade.", no_args_is_help=True)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


@app.command("upgrade")
def upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head", as_json: JSON = False
) -> None:
    """Create or migrate the database named by DUNWELL_DATABASE_URL.

    JSON: {"revision", "database"}.
    """
    with user_errors():
        runtime = open_runtime(migrate=False)
        upgrade(runtime.engine, revision)
        payload = {"revision": current_revision(runtime.engine), "database": repr(runtime.engine.url)}
    if as_json:
        print_json(payload)
        return
    console.print(f"database at revision {payload['revision']} ({payload['database']})")


@app.command("current")
def current_command(as_json: JSON = False) -> None:
    """Show the database's revision and the newest one this Dunwell knows (a missing SQLite file
    is an error, not created).

    JSON: {"current", "head", "up_to_date"}.
    """
    with user_errors():
        runtime = open_runtime(migrate=False)
        require_database(runtime.engine)
        current, head = current_revision(runtime.engine), head_revision()
    if as_json:
        print_json({"current": current, "head": head, "up_to_date": current == head})
        return
    console.print(f"current: {current}  head: {head}")
    if current != head:
        console.print("Run `dunwell db upgrade` to bring the database to head.")


@app.command("downgrade")
def downgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision, or 'base'.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask for confirmation (needed without a terminal).")
    ] = False,
    as_json: JSON = False,
) -> None:
    """Roll the schema back (destroys data in dropped tables); asks first unless --yes.

    JSON: {"revision", "database"}.
    """
    with user_errors():
        runtime = open_runtime(migrate=False)
        require_database(runtime.engine)
        current = current_revision(runtime.engine)
    if not yes:
        if not stdin_is_terminal():
            fail("db downgrade destroys data and there is no terminal to confirm on: pass --yes")
        question = (
            f"Downgrade {runtime.engine.url!r} from revision {current} to {revision}? "
            "Data in dropped tables is lost"
        )
        if not typer.confirm(question, default=False, err=True):
            fail("not confirmed: the database is unchanged", code=1, error_code="not_confirmed")
    with user_errors():
        downgrade(runtime.engine, revision)
        payload = {"revision": current_revision(runtime.engine), "database": repr(runtime.engine.url)}
    if as_json:
        print_json(payload)
        return
    console.print(f"database at revision {payload['revision']}")
