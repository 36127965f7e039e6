"""`dunwell simulate`: generate synthetic companies for demos, benchmarks and strategy tests."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer

from dunwell.cli.runtime import console, fail, parse_day, print_json
from dunwell.simulate.company import generate_company
from dunwell.simulate.export import write_cash_month, write_company
from dunwell.simulate.lab import load_policy, run_lab, summarise
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
    cash_month: Annotated[
        str | None,
        typer.Option(
            "--cash-month",
            help="Also write cash-YYYY-MM/: the book when that month's statements arrive, the "
            "statements, and what their payments really paid (for `dunwell cashapp`).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Write customers, contacts, invoices, payments and the truth for a generated company."""
    if preset not in PRESETS:
        fail(f"unknown preset {preset!r}; the presets are: {', '.join(PRESETS)}")
    first = _month(start, option="--start")
    cut = parse_day(as_of, option="--as-of") if as_of is not None else None
    cash = _month(cash_month, option="--cash-month") if cash_month is not None else None
    company = generate_company(
        preset=PRESETS[preset], customers=customers, months=months, seed=seed, start=first
    )
    if cut is not None and not company.start <= cut <= company.end:
        fail(f"--as-of {cut} is outside the simulated period {company.start} to {company.end}")
    if cash is not None and not company.start <= cash <= company.end:
        fail(f"--cash-month {cash:%Y-%m} is outside the simulated period {company.start} to {company.end}")
    try:
        counts = write_company(company, out, as_of=cut)
        if cash is not None:
            folder = f"cash-{cash:%Y-%m}"
            for name, rows in write_cash_month(company, out / folder, cash).items():
                counts[f"{folder}/{name}"] = rows
    except OSError as exc:
        fail(f"cannot write to {out}: {exc.strerror or exc}")
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
        str, typer.Option("--policy", help="none, oldest-first, largest-first or module:Name.")
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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Replay the company's period day by day under POLICY; cash at 30/60/90 days, DSO, touches."""
    manifest_path = company_dir / "company.json"
    if not manifest_path.is_file():
        fail(
            f"{company_dir} has no company.json: write it with `dunwell simulate company --out {company_dir}`"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        preset_name = manifest["preset"]
        missing = [k for k in ("customers", "months", "seed", "start", "invoices") if k not in manifest]
        if missing:
            raise KeyError(", ".join(missing))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        fail(f"{manifest_path} is not a company manifest ({type(exc).__name__}: {exc})")
    if preset_name not in PRESETS:
        fail(f"{manifest_path}: unknown preset {preset_name!r}")
    try:
        chosen = load_policy(policy)
    except (ValueError, ImportError, AttributeError) as exc:
        fail(str(exc))
    company = generate_company(
        preset=PRESETS[manifest["preset"]],
        customers=manifest["customers"],
        months=manifest["months"],
        seed=manifest["seed"],
        start=date.fromisoformat(manifest["start"]),
    )
    if len(company.invoices) != manifest["invoices"]:
        fail(f"{manifest_path}: the company rebuilt differently ({len(company.invoices)} invoices, not "
             f"{manifest['invoices']}); was it written by another Dunwell version?")  # fmt: skip
    first = _lab_start(start, manifest, company.end, days)
    if first < company.start or first + timedelta(days=days - 1) > company.end:
        fail(f"{days} days from {first} leave the simulated period {company.start} to {company.end}")
    results = [
        run_lab(company, chosen, start=first, days=days, capacity_hours=capacity_hours, seed=seed)
        for seed in range(1, seeds + 1)
    ]
    summary = {"policy": chosen.name, "start": str(first), "days": days, "capacity_hours": capacity_hours,
               **summarise(results)}  # fmt: skip
    if as_json:
        print_json(summary)
        return
    console.print(f"policy {chosen.name}: {days} days from {first}, {capacity_hours} h a day, {seeds} seeds")
    for name, by_currency in summary["mean"].items():  # type: ignore[attr-defined]
        for key, figures in by_currency.items():
            console.print(
                f"  {name} {key}: mean {figures['mean']} (min {figures['min']}, max {figures['max']})"
            )


def _lab_start(start: str | None, manifest: dict[str, str], end: date, days: int) -> date:
    if start is not None:
        return parse_day(start, option="--start")
    if manifest.get("as_of"):
        return date.fromisoformat(manifest["as_of"]) + timedelta(days=1)
    return end - timedelta(days=days - 1)
