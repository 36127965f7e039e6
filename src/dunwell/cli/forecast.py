"""`dunwell forecast backtest`: the cash-in forecast backtested on a file alone (no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.imports import choose_mapping
from dunwell.cli.options import JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import console, fail, parse_day, print_json, user_errors
from dunwell.ingest import ImportKind
from dunwell.prediction.files import read_book
from dunwell.prediction.forecast_backtest import DEFAULT_RHO, forecast_backtest

app = typer.Typer(help="Cash-in forecast: backtest it on a file.", no_args_is_help=True)
_SHOWN = ("accuracy_7d", "accuracy_30d", "accuracy_90d", "weekly_wape", "coverage_p10_p90",
          "pinball_p10", "pinball_p50", "pinball_p90")  # fmt: skip


@app.command("backtest")
def backtest_command(
    data: Annotated[
        Path, typer.Option("--data", help="Invoices file (CSV, XLSX or Parquet) with paid dates.")
    ],
    start: Annotated[str, typer.Option("--start", help="The first origin (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--end", help="The last origin (YYYY-MM-DD).")],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML column mapping.")] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="A shipped mapping (ibm, highradius, sim).")
    ] = None,
    step_days: Annotated[int, typer.Option("--step-days", min=1, max=91, help="Days between origins.")] = 7,
    draws: Annotated[
        int, typer.Option("--draws", min=50, max=10_000, help="Joint simulations per origin.")
    ] = 1000,
    refit_days: Annotated[
        int, typer.Option("--refit-days", min=1, max=365, help="Train the predictor again every N days.")
    ] = 28,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: JSON = False,
) -> None:
    """From each origin between --start and --end, forecast the next 13 weeks of cash from what was
    known then (the predictor trained on it, the open book simulated jointly, new billing at the
    trailing run-rate) and compare with the cash the file's paid dates say arrived, beside the
    due_date and avg_days_to_pay baselines.

    JSON: {"data", "rows_read", "rows_rejected", "start", "end", "step_days", "currency",
    "other_currencies", "origins", "origins_skipped", "draws", "rho", "accuracy_7d", "accuracy_30d",
    "accuracy_90d", "weekly_wape", "coverage_p10_p90", "pinball_p10", "pinball_p50", "pinball_p90",
    "baselines": {"due_date": {...}, "avg_days_to_pay": {...}}}.
    """
    first, last = parse_day(start, option="--start"), parse_day(end, option="--end")
    if last < first:
        fail(f"--end {last} is before --start {first}")
    with user_errors(), progress_bar(f"reading {data.name}", quiet=as_json) as bar:
        chosen, _ = choose_mapping(ImportKind.INVOICES, mapping, preset, "MAIN")
        book = read_book(data, chosen)
        result = forecast_backtest(
            book, start=first, end=last, step_days=step_days, draws=draws, refit_days=refit_days,
            rho=DEFAULT_RHO, seed=seed, progress=bar.stage,
        )  # fmt: skip
    result = {"data": str(data), "rows_read": book.rows, "rows_rejected": len(book.rejections), **result}
    if as_json:
        print_json(result)
        return
    _print(result)


def _print(result: dict[str, Any]) -> None:
    console.print(
        f"Forecast backtest {result['start']} to {result['end']}: {result['origins']} origins, "
        f"{result['currency']} ({result['rows_rejected']} rows rejected)."
    )
    table = Table("figure", "forecast", "due_date", "avg_days_to_pay")
    for name in _SHOWN:
        cells = [
            result[name],
            result["baselines"]["due_date"][name],
            result["baselines"]["avg_days_to_pay"][name],
        ]
        table.add_row(name, *("-" if value is None else f"{value:g}" for value in cells))
    console.print(table)
