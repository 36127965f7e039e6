"""`dunwell forecast`: the stored book's cash-in forecast (P10/P50/P90 per day and week, by entity,
currency or segment, as JSON, CSV or a fan chart), and `dunwell forecast backtest` on a file alone
(no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.imports import choose_mapping
from dunwell.cli.options import JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import console, fail, open_reader, parse_day, print_json, transaction, user_errors
from dunwell.core.access import Principal
from dunwell.core.metrics import format_amount
from dunwell.core.money import minor_to_decimal
from dunwell.forecasting.chart_file import write_fan_chart
from dunwell.forecasting.schemas import CashForecast, ForecastBy
from dunwell.forecasting.service import DEFAULT_DRAWS, DEFAULT_WEEKS, MAX_WEEKS, cash_forecast
from dunwell.forecasting.table_file import write_csv
from dunwell.ingest import ImportKind
from dunwell.prediction.files import read_book
from dunwell.prediction.forecast_backtest import DEFAULT_RHO, forecast_backtest

# The callback's docstring is the group's help (what `dunwell forecast --as-of` does and prints).
app = typer.Typer(invoke_without_command=True)
_SHOWN = ("accuracy_7d", "accuracy_30d", "accuracy_90d", "weekly_wape", "coverage_p10_p90",
          "pinball_p10", "pinball_p50", "pinball_p90")  # fmt: skip


@app.callback()
def forecast_command(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Forecast from the end of this day (YYYY-MM-DD).")
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=MAX_WEEKS, help="Weeks ahead.")] = DEFAULT_WEEKS,
    by: Annotated[
        ForecastBy | None, typer.Option("--by", help="One forecast per entity, currency or segment.")
    ] = None,
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Write every day's and week's P10/P50/P90 to this CSV.")
    ] = None,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Draw the fan chart to FILE.png or FILE.svg.")
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", min=50, max=10_000, help="Joint simulations.")
    ] = DEFAULT_DRAWS,
    model_version: Annotated[int | None, typer.Option("--model-version", help="Default: the latest.")] = None,
    as_json: JSON = False,
) -> None:
    """Cash-in forecast of the stored book, or `backtest` on a file.

    With --as-of: cash-in for the next weeks from the stored book: every open invoice's payment-date
    distribution (the latest payment model) simulated jointly with invoices not issued yet, with
    P10/P50/P90 per day and per week, one forecast per currency (and per entity or segment with
    --by), and the customers behind each week. Reads only.

    JSON: {"as_of", "weeks", "by", "scope", "model_version", "model_known_until", "draws", "rho",
    "calibration": {"low", "high", "origins", ...}, "groups": [{"currency", "group", "open_minor",
    "open_invoices", "billing_per_day_minor", "total": {"p10_minor", "p50_minor", "p90_minor"},
    "weeks": [{"start", "end", "p10_minor", "p50_minor", "p90_minor", "open_book_minor",
    "contributors": [{"customer_id", "name", "expected_minor"}]}], "days": [{"day", "p10_minor",
    "p50_minor", "p90_minor"}]}]}.
    """
    if ctx.invoked_subcommand is not None:
        return
    if as_of is None:
        fail("--as-of is required (or run `dunwell forecast backtest`; see --help)")
    day = parse_day(as_of, option="--as-of")
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            forecast = cash_forecast(
                session, Principal.operator("forecast"), as_of=day, weeks=weeks, by=by, draws=draws,
                model_version=model_version,
            )  # fmt: skip
        if csv_file is not None:
            write_csv(forecast, csv_file)
        if chart is not None:
            write_fan_chart(forecast, chart)
    if as_json:
        print_json(forecast.to_dict())
        return
    _print_forecast(forecast, csv_file, chart)


def _print_forecast(forecast: CashForecast, csv_file: Path | None, chart: Path | None) -> None:
    calibration = forecast.calibration
    console.print(
        f"Cash-in forecast from {forecast.as_of} for {forecast.weeks} weeks "
        f"(model v{forecast.model_version}, "
        f"{forecast.draws} joint simulations, range factors "
        + (
            f"{calibration['low']}/{calibration['high']}, weekly relative range "
            f"{calibration.get('below', 0):+.0%}/{calibration.get('above', 0):+.0%})"
            if "low" in calibration
            else "not calibrated)"
        )
    )
    for group in forecast.groups:
        name = group.currency if group.group is None else f"{group.group} · {group.currency}"
        table = Table("week ending", "P10", "P50", "P90", "largest contributor", title=name)
        for week in group.weeks:
            top = week.contributors[0].name if week.contributors else ""
            table.add_row(
                week.end.isoformat(),
                *(format_amount(minor_to_decimal(v, group.currency), group.currency)
                  for v in (week.band.p10_minor, week.band.p50_minor, week.band.p90_minor)),
                top,
            )  # fmt: skip
        console.print(table)
    for label, path in (("CSV", csv_file), ("Chart", chart)):
        if path is not None:
            console.print(f"{label} written to {path}")


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
