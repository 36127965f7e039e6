"""`dunwell simulate`: generate synthetic companies for demos, benchmarks and strategy tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dunwell.cli.runtime import console, fail, parse_day, print_json
from dunwell.simulate.company import generate_company
from dunwell.simulate.export import write_company
from dunwell.simulate.presets import PRESETS

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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Write customers, contacts, invoices, payments and the truth for a generated company."""
    if preset not in PRESETS:
        fail(f"unknown preset {preset!r}; the presets are: {', '.join(PRESETS)}")
    try:
        first = date.fromisoformat(f"{start}-01")
    except ValueError:
        fail(f"--start must be YYYY-MM, not {start!r}")
    cut = parse_day(as_of, option="--as-of") if as_of is not None else None
    company = generate_company(
        preset=PRESETS[preset], customers=customers, months=months, seed=seed, start=first
    )
    if cut is not None and not company.start <= cut <= company.end:
        fail(f"--as-of {cut} is outside the simulated period {company.start} to {company.end}")
    counts = write_company(company, out, as_of=cut)
    summary = {"preset": preset, "seed": seed, "start": str(company.start), "end": str(company.end),
               "out": str(out), "files": counts}  # fmt: skip
    if as_json:
        print_json(summary)
        return
    console.print(f"{preset} company, seed {seed}, {company.start} to {company.end}, written to {out}:")
    for name, rows in counts.items():
        console.print(f"  {name}: {rows:,} {'statements' if name.endswith('statements') else 'rows'}")
