"""`dunwell simulate`: generate synthetic companies for demos, benchmarks and strategy tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dunwell.cli.options import JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import console, fail, parse_day, print_json, user_errors
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_folder import write_company_folder
from dunwell.simulation.policy_replay import replay_policy

app = typer.Typer(
    help="Generate synthetic companies (customers, invoices, payments, truth).", no_args_is_help=True
)


@app.command("company")
def company_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV files into.")],
    preset: Annotated[str, typer.Option("--preset", help=f"One of: {', '.join(PRESETS)}.")] = "distributor",
    customers: Annotated[int, typer.Option("--customers", min=1)] = 300,
    months: Annotated[int, typer.Option("--months", min=1, max=240)] = 24,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    start: Annotated[str, typer.Option("--start", help="First month, YYYY-MM.")] = "2023-01",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Also write asof/ (known then) and future/ (the truth after)."),
    ] = None,
    cash_month: Annotated[
        str | None,
        typer.Option(
            "--cash-month",
            help="Also write cash-YYYY-MM/: the book when that month's statements arrive, the "
            "statements, and what their payments really paid (for `dunwell cashapp`).",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Write customers, contacts, invoices, payments and the truth for a generated company.

    JSON: {"preset", "seed", "start", "end", "out", "files"}; "files" maps each file written to its
    rows (statements for statement folders).
    """
    first = _month(start, option="--start")
    cut = parse_day(as_of, option="--as-of") if as_of is not None else None
    cash = _month(cash_month, option="--cash-month") if cash_month is not None else None
    with user_errors(), progress_bar(f"simulating a {preset} company", quiet=as_json) as bar:
        company, counts = write_company_folder(
            out,
            preset=preset,
            customers=customers,
            months=months,
            seed=seed,
            start=first,
            as_of=cut,
            cash_month=cash,
            progress=bar,
        )
    summary = {"preset": preset, "seed": seed, "start": str(company.start), "end": str(company.end),
               "out": str(out), "files": counts}  # fmt: skip
    if as_json:
        print_json(summary)
        return
    console.print(f"{preset} company, seed {seed}, {company.start} to {company.end}, written to {out}:")
    for name, rows in counts.items():
        console.print(f"  {name}: {rows:,} {'statements' if name.endswith('statements') else 'rows'}")


def _month(text: str, *, option: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        fail(f"{option} must be YYYY-MM, not {text!r}")


@app.command("policy")
def policy_command(
    company_dir: Annotated[Path, typer.Option("--company", help="A folder written by `simulate company`.")],
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="none, oldest-first, largest-first, risk-first, worklist, dunning:FILE.yaml "
            "(dunning:default: the shipped dunning policy) or module:Name.",
        ),
    ],
    capacity_hours: Annotated[
        float, typer.Option("--capacity-hours", min=0, help="Collector hours a day.")
    ] = 8,
    days: Annotated[int, typer.Option("--days", min=1)] = 90,
    seeds: Annotated[int, typer.Option("--seeds", min=1)] = 5,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="First day (default: the company's as-of date, else the last DAYS days)."
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Replay the company's period day by day under POLICY; cash at 30/60/90 days, DSO, touches.

    JSON: {"policy", "start", "days", "capacity_hours", "seeds", "mean"}; "seeds" holds each seed's
    figures, "mean" their mean, spread, minimum and maximum.
    """
    first = parse_day(start, option="--start") if start is not None else None
    with user_errors(), progress_bar(f"replaying under {policy}", quiet=as_json) as bar:
        summary = replay_policy(
            company_dir,
            policy,
            start=first,
            days=days,
            seeds=seeds,
            capacity_hours=capacity_hours,
            progress=bar,
        )
    if as_json:
        print_json(summary)
        return
    console.print(
        f"policy {summary['policy']}: {days} days from {summary['start']}, {capacity_hours} h a day, "
        f"{seeds} seeds"
    )
    for name, by_currency in summary["mean"].items():  # type: ignore[attr-defined]
        for key, figures in by_currency.items():
            console.print(
                f"  {name} {key}: mean {figures['mean']} (min {figures['min']}, max {figures['max']})"
            )
