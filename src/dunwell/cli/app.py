"""The `dunwell` command line."""

from __future__ import annotations

import typer

from dunwell import __version__
from dunwell.cli import cashapp, db, imports, invoices, model, segments, simulate, terms, users, writeoffs
from dunwell.cli.approvals import app as approvals_app
from dunwell.cli.audit import app as audit_app
from dunwell.cli.backtest import backtest_command
from dunwell.cli.collections import (
    data_quality_command,
    import_contacts_command,
    import_touches_command,
    refresh_promises_command,
)
from dunwell.cli.compliance import app as compliance_app
from dunwell.cli.dunning import app as dunning_app
from dunwell.cli.dunning_run import plan_command as dunning_plan_command
from dunwell.cli.dunning_run import send_command as dunning_send_command
from dunwell.cli.errors import JsonErrorsGroup
from dunwell.cli.forecast import app as forecast_app
from dunwell.cli.mail import app as mail_app
from dunwell.cli.metrics import aging_command, metrics_command, refresh_reports_command
from dunwell.cli.options import JSON
from dunwell.cli.payment_plans import app as plans_app
from dunwell.cli.replies import app as replies_app
from dunwell.cli.runtime import console, print_json
from dunwell.cli.scenario import app as scenario_app
from dunwell.cli.serve import serve_command
from dunwell.cli.worker import worker_command
from dunwell.cli.worklist import worklist_command
from dunwell.ingest import ImportKind, available_presets

app = typer.Typer(
    name="dunwell",
    cls=JsonErrorsGroup,
    help="Dunwell: open-source accounts receivable. Database: DUNWELL_DATABASE_URL (default "
    "sqlite:///./dunwell.db). Every command takes --json; the audit log names --by, else "
    "DUNWELL_USER, else your login name.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Command groups, one module each; add new groups here.
app.add_typer(db.app, name="db")
app.add_typer(imports.app, name="import")
app.add_typer(simulate.app, name="simulate")
app.add_typer(model.app, name="model")
app.add_typer(invoices.app, name="invoices")
app.add_typer(cashapp.app, name="cashapp")
app.add_typer(terms.app, name="terms")
app.add_typer(writeoffs.app, name="writeoffs")
app.add_typer(users.app, name="users")
app.add_typer(users.tokens, name="tokens")
app.add_typer(segments.app, name="segments")
app.add_typer(dunning_app, name="dunning")
app.add_typer(compliance_app, name="compliance")
app.add_typer(audit_app, name="audit")
app.add_typer(approvals_app, name="approvals")
app.add_typer(plans_app, name="plans")
app.add_typer(forecast_app, name="forecast")
app.add_typer(scenario_app, name="scenario")
app.add_typer(mail_app, name="mail")
app.add_typer(replies_app, name="replies")
dunning_app.command("plan")(dunning_plan_command)
dunning_app.command("send")(dunning_send_command)
invoices.app.command("write-off")(writeoffs.write_off_invoice_command)
imports.app.command("contacts")(import_contacts_command)
imports.app.command("touches")(import_touches_command)

# Single commands.
app.command("metrics")(metrics_command)
app.command("aging")(aging_command)
app.command("backtest")(backtest_command)
app.command("serve")(serve_command)
app.command("data-quality")(data_quality_command)
app.command("refresh-promises")(refresh_promises_command)
app.command("refresh-reports")(refresh_reports_command)
app.command("worklist")(worklist_command)
app.command("worker")(worker_command)


@app.command("presets")
def presets_command(as_json: JSON = False) -> None:
    """List the shipped import mappings.

    JSON: {"invoices", "payments", "customers"}, each a list of preset names.
    """
    presets = {kind.value: list(available_presets(kind)) for kind in ImportKind}
    if as_json:
        print_json(presets)
        return
    for kind, names in presets.items():
        console.print(f"{kind}: {', '.join(names) or '-'}")


@app.command("version")
def version_command(as_json: JSON = False) -> None:
    """Print Dunwell's version.

    JSON: {"version"}.
    """
    if as_json:
        print_json({"version": __version__})
        return
    console.print(__version__)


def main() -> None:
    app()
