"""`dunwell db`: schema migrations."""

from __future__ import annotations

import typer

from dunwell.cli.runtime import console, open_runtime, user_errors
from dunwell.kit.migrate import current_revision, downgrade, head_revision, upgrade

app = typer.Typer(help="Database schema: upgrade, inspect, downgrade.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or migrate the database named by DUNWELL_DATABASE_URL."""
    with user_errors():
        runtime = open_runtime(migrate=False)
        upgrade(runtime.engine, revision)
        console.print(f"database at revision {current_revision(runtime.engine)} ({runtime.engine.url!r})")


@app.command("current")
def current_command() -> None:
    """Show the database's revision and the newest one this Dunwell knows."""
    with user_errors():
        runtime = open_runtime(migrate=False)
        console.print(f"current: {current_revision(runtime.engine)}  head: {head_revision()}")


@app.command("downgrade")
def downgrade_command(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Roll the schema back (destroys data in dropped tables)."""
    with user_errors():
        runtime = open_runtime(migrate=False)
        downgrade(runtime.engine, revision)
        console.print(f"database at revision {current_revision(runtime.engine)}")
