"""`dunwell backtest`: a time-split backtest of payment prediction on a file alone (no database)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.imports import choose_mapping
from dunwell.cli.model import chosen_summary
from dunwell.cli.options import JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import console, fail, parse_day, print_json, user_errors
from dunwell.ingest import ImportKind
from dunwell.ml.backtest import BASELINES, run_backtest
from dunwell.ml.predictor import TIMING_MODELS
from dunwell.prediction.files import read_book

_SHOWN = ("mae_days", "median_ae_days", "within_5_days", "pinball_p10", "pinball_p50", "pinball_p90",
          "coverage_p10_p90", "auc_late", "pr_auc_late", "brier_late", "auc_late30")  # fmt: skip


def backtest_command(
    data: Annotated[Path, typer.Option("--data", help="Invoices file (CSV, XLSX or Parquet).")],
    cutoff: Annotated[
        str, typer.Option("--cutoff", help="Train on what was known before this day (YYYY-MM-DD).")
    ],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML column mapping.")] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="A shipped mapping (ibm, highradius, sim).")
    ] = None,
    horizon_days: Annotated[
        int | None,
        typer.Option("--horizon-days", min=1, help="Test only invoices issued within N days of the cutoff."),
    ] = None,
    timing: Annotated[str, typer.Option("--timing", help="Timing model: quantile or residual.")] = "quantile",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: JSON = False,
) -> None:
    """Train on invoices known at the cutoff, predict those issued after it, beside the baselines.

    Without --mapping or --preset the file has the canonical invoice columns. No database is used.

    JSON: {"data", "rows_read", "rows_rejected", "rejections", "rows_with_warnings", "warnings",
    "cutoff", "horizon_days", "timing_model", "n_train", "n_test", "mae_days", "baselines",
    "mae_vs_best_baseline", "chosen", "overdue", ...}: the model's figures beside each baseline's.
    """
    if timing not in TIMING_MODELS:
        fail(f"unknown timing model {timing!r}; choose one of: {', '.join(TIMING_MODELS)}")
    day = parse_day(cutoff, option="--cutoff")
    with user_errors(), progress_bar(f"reading {data.name}", quiet=as_json) as bar:
        chosen, _ = choose_mapping(ImportKind.INVOICES, mapping, preset, "MAIN")
        book = read_book(data, chosen)
        bar.stage(f"training on what was known before {day} and testing after it")
        result = run_backtest(
            book.history, cutoff=day, horizon_days=horizon_days, timing=timing, random_state=seed
        )
    result = {
        "data": str(data),
        "rows_read": book.rows,
        "rows_rejected": len(book.rejections),
        "rejections": [{"line": r.line, "reason": r.reason} for r in book.rejections[:20]],
        "rows_with_warnings": len(book.warnings),
        "warnings": [{"line": line, "warning": text} for line, text in book.warnings[:20]],
        **result,
    }
    if as_json:
        print_json(result)
        return
    _print(result)


def _print(result: dict[str, Any]) -> None:
    console.print(
        f"Backtest at {result['cutoff']}: {result['n_train']} invoices known, {result['n_test']} tested "
        f"({result['rows_rejected']} rows rejected)."
    )
    table = Table("figure", "model", *BASELINES)
    for name in _SHOWN:
        cells = [result[name], *(result["baselines"][b][name] for b in BASELINES)]
        table.add_row(name, *("-" if value is None else f"{value:g}" for value in cells))
    console.print(table)
    console.print(f"P50 chosen per customer history: {chosen_summary(result.get('chosen'))}")
    overdue = result.get("overdue") or {}
    if overdue.get("mae_days") is not None:
        console.print(
            f"Overdue at the cutoff: {overdue['n_test']} tested of {overdue['n_open_overdue']} open, "
            f"MAE {overdue['mae_days']:g} days given their age (best rule {overdue['best_baseline']} "
            f"{overdue['best_baseline_mae']:g}), P10-P90 coverage {overdue['coverage_p10_p90']:g}."
        )
    if result["rows_with_warnings"]:
        console.print(f"{result['rows_with_warnings']} rows loaded with a warning (see --json).")
