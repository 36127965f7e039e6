"""`dunwell scenario run FILE.yaml`: what-if scenarios against the stored book's cash forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, open_reader, parse_day, print_json, transaction, user_errors
from dunwell.core.access import Principal
from dunwell.forecasting.scenario_service import run_scenario_file

app = typer.Typer(help="What-if scenarios on the cash forecast.", no_args_is_help=True)


@app.command("run")
def run_command(
    path: Annotated[Path, typer.Argument(help="The scenarios (YAML; see docs/examples/scenarios.yaml).")],
    as_of: Annotated[str, typer.Option("--as-of", help="Forecast from the end of this day (YYYY-MM-DD).")],
    currency: Annotated[
        str | None, typer.Option("--currency", help="Default: the currency billed most lately.")
    ] = None,
    draws: Annotated[int, typer.Option("--draws", min=50, max=10_000, help="Joint simulations.")] = 1000,
    as_json: JSON = False,
) -> None:
    """Run each scenario of FILE against the base forecast (13 weeks from --as-of, same random
    numbers) and show its delta cash per week, DSO at the end, cost, value and net, with every
    assumption it made. A file naming an unknown segment, customer or risk band is an error. Reads
    only.

    JSON: {"as_of", "model_version", "file", "currency", "weeks", "draws", "rho", "seed",
    "dso_origin_days", "base": {"weekly": {"p10", "p50", "p90"}, "total", "expected_cash_minor",
    "billed_minor", "ar_end_minor", "dso_end_days", "assumptions"}, "scenarios": [{"name", "kind",
    "weekly", "total", "expected_cash_minor", "billed_minor", "ar_end_minor", "dso_end_days",
    "delta_p50_weekly", "delta_total_p50", "delta_expected_cash", "dso_delta_days", "cost_minor",
    "value_minor", "net_minor", "assumptions"}]}.
    """
    day = parse_day(as_of, option="--as-of")
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            report = run_scenario_file(
                session, Principal.operator("scenario"), path, as_of=day, currency=currency, draws=draws
            )
    if as_json:
        print_json(report)
        return
    _print(report)


def _print(report: dict[str, Any]) -> None:
    console.print(
        f"Scenarios from {report['file']} against the {report['currency']} forecast from {report['as_of']} "
        f"(model v{report['model_version']}, {report['draws']} joint simulations)."
    )
    table = Table(
        "scenario", "Δ cash 13 weeks (P50)", "Δ expected cash", "Δ DSO (days)", "cost", "value", "net"
    )
    for s in report["scenarios"]:
        table.add_row(
            s["name"],
            *(_units(s[key]) for key in ("delta_total_p50", "delta_expected_cash")),
            "-" if s["dso_delta_days"] is None else str(s["dso_delta_days"]),
            *(_units(s[key]) for key in ("cost_minor", "value_minor", "net_minor")),
        )
    console.print(table)
    console.print("Amounts in minor units of " + str(report["currency"]) + ".")
    for s in report["scenarios"]:
        console.print(f"[bold]{s['name']}[/bold] assumes:")
        for line in s["assumptions"]:
            console.print(f"  - {line}")


def _units(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
