"""The `dunwell` command line."""

from __future__ import annotations

import typer

from dunwell import __version__
from dunwell.cli import cashapp, db, imports, invoices, model, simulate, terms
from dunwell.cli.backtest import backtest_command
from dunwell.cli.metrics import aging_command, metrics_command
from dunwell.cli.runtime import console
from dunwell.ingest import ImportKind, available_presets

app = typer.Typer(
    name="dunwell",
    help="Dunwell: open-source accounts receivable. Database: DUNWELL_DATABASE_URL (default sqlite:///./dunwell.db).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db.app, name="db")
app.add_typer(imports.app, name="import")
app.add_typer(simulate.app, name="simulate")
app.add_typer(model.app, name="model")
app.add_typer(invoices.app, name="invoices")
app.add_typer(cashapp.app, name="cashapp")
app.add_typer(terms.app, name="terms")
app.command("metrics")(metrics_command)
app.command("aging")(aging_command)
app.command("backtest")(backtest_command)


@app.command("presets")
def presets_command() -> None:
    """List the shipped import mappings."""
    for kind in ImportKind:
        names = ", ".join(available_presets(kind)) or "-"
        console.print(f"{kind.value}: {names}")


@app.command("version")
def version_command() -> None:
    """Print Dunwell's version."""
    console.print(__version__)


def main() -> None:
    app()
