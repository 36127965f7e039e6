"""`dunwell import invoices|payments|customers FILE`: load ERP exports through a mapping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import (
    EXIT_REJECTED,
    EXIT_USAGE,
    console,
    err_console,
    fail,
    open_runtime,
    parse_day,
    print_json,
    user_errors,
)
from dunwell.config import get_settings
from dunwell.imports.flows import run_import
from dunwell.imports.report import ImportReport
from dunwell.ingest import ImportKind, ImportMapping, identity_mapping, load_mapping, load_preset

app = typer.Typer(
    help="Import invoices, payments or customers from CSV, XLSX or Parquet.", no_args_is_help=True
)

FILE = typer.Argument(..., help="CSV, XLSX or Parquet file.", show_default=False)
MAPPING = typer.Option(None, "--mapping", help="YAML mapping from the file's columns to canonical fields.")
PRESET = typer.Option(None, "--preset", help="A shipped mapping: ibm, highradius (see `dunwell presets`).")
AS_OF = typer.Option(
    None, "--as-of", help="Date the file describes (ERP snapshot): it dates the changes; default today."
)
#: Customer and payment files carry no changes to date: --as-of is refused there, not ignored.
NO_AS_OF = Annotated[str | None, typer.Option("--as-of", hidden=True)]
SNAPSHOT = typer.Option(
    False,
    "--snapshot",
    help="The file lists every open invoice of its entities: clear open ones it leaves out, on --as-of.",
)


def choose_mapping(
    kind: ImportKind, mapping: Path | None, preset: str | None, entity: str
) -> tuple[ImportMapping, str]:
    if mapping is not None and preset is not None:
        fail("give --mapping or --preset, not both")
    if mapping is not None:
        chosen, label = load_mapping(mapping), f"mapping:{mapping}"
    elif preset is not None:
        chosen, label = load_preset(preset, kind), f"preset:{preset}"
    else:
        chosen, label = identity_mapping(kind), "canonical columns"
    if chosen.kind is not kind:
        fail(f"the mapping is for {chosen.kind.value}, not {kind.value}")
    if "entity" not in chosen.fields:
        chosen = chosen.with_constant("entity", entity)
    return chosen, label


def _refuse_as_of(kind: ImportKind, as_of: str | None) -> None:
    if as_of is not None:
        fail(
            f"--as-of applies to invoice imports only: a {kind.value} file brings no changes to date "
            "(leave it out)"
        )


def _run(
    kind: ImportKind,
    file: Path,
    mapping: Path | None,
    preset: str | None,
    day: date,
    as_json: bool,
    *,
    actor: str,
    snapshot: bool = False,
) -> None:
    with user_errors():
        # The mapping first: a usage mistake must not create or migrate a database as a side effect.
        chosen, label = choose_mapping(kind, mapping, preset, get_settings().default_entity)
        runtime = open_runtime()
        with progress_bar(f"importing {kind.value} from {file.name}", quiet=as_json) as bar:
            report = run_import(
                runtime.sessions,
                kind=kind,
                path=file,
                mapping=chosen,
                mapping_label=label,
                as_of=day,
                batch_size=runtime.settings.import_batch_size,
                actor=actor,
                on_progress=lambda n: bar.stage(f"{kind.value}: {n:,} rows read"),
                snapshot=snapshot,
            )
    if as_json:
        print_json(report.to_dict())
    else:
        _print_summary(kind, file, report)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _print_summary(kind: ImportKind, file: Path, report: ImportReport) -> None:
    console.print(
        f"{file.name}: read {report.read:,} {kind.value} rows — imported {report.imported:,}, "
        f"updated {report.updated:,}, unchanged {report.unchanged:,}, rejected {report.rejected:,}",
        highlight=False,
    )
    if report.closed is not None:
        console.print(
            f"  closed {report.closed:,} open documents the snapshot no longer lists", highlight=False
        )
    for note in report.notes:
        err_console.print(f"  [yellow]{note}[/]", highlight=False)
    for warning in report.warning_samples:
        err_console.print(f"  [yellow]warning, {warning}[/]", highlight=False)
    if report.warnings > len(report.warning_samples):
        err_console.print(
            f"  ({report.warnings - len(report.warning_samples):,} more warnings)", highlight=False
        )
    for sample in report.rejection_samples:
        err_console.print(f"  rejected {sample}", highlight=False)
    if report.reject_file:
        more = report.rejected - len(report.rejection_samples)
        tail = f" ({more:,} more)" if more > 0 else ""
        err_console.print(f"  all rejected rows{tail}: {report.reject_file}", highlight=False)


@app.command("invoices")
def invoices_command(
    file: Path = FILE,
    mapping: Path | None = MAPPING,
    preset: str | None = PRESET,
    as_of: str | None = AS_OF,
    snapshot: bool = SNAPSHOT,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Invoices and credit memos (a row with a paid date is cleared history).

    JSON: {"read", "imported", "updated", "unchanged", "rejected", "reject_file"}, and "closed"
    (a snapshot), "warnings" and "warning_samples" when there are any. Exit 3 when rows were
    rejected.
    """
    day = parse_day(as_of, option="--as-of") if as_of else datetime.now(UTC).date()
    _run(ImportKind.INVOICES, file, mapping, preset, day, as_json, actor=by, snapshot=snapshot)


@app.command("payments")
def payments_command(
    file: Path = FILE,
    mapping: Path | None = MAPPING,
    preset: str | None = PRESET,
    as_of: NO_AS_OF = None,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Received payments (bank credits), stored as unapplied cash.

    JSON: {"read", "imported", "updated", "unchanged", "rejected", "reject_file"}, and "closed"
    (a snapshot), "warnings" and "warning_samples" when there are any. Exit 3 when rows were
    rejected.
    """
    _refuse_as_of(ImportKind.PAYMENTS, as_of)
    _run(ImportKind.PAYMENTS, file, mapping, preset, datetime.now(UTC).date(), as_json, actor=by)


@app.command("customers")
def customers_command(
    file: Path = FILE,
    mapping: Path | None = MAPPING,
    preset: str | None = PRESET,
    as_of: NO_AS_OF = None,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """The customer master: names, countries, terms, credit limits, segments, owners.

    JSON: {"read", "imported", "updated", "unchanged", "rejected", "reject_file"}, and "closed"
    (a snapshot), "warnings" and "warning_samples" when there are any. Exit 3 when rows were
    rejected.
    """
    _refuse_as_of(ImportKind.CUSTOMERS, as_of)
    _run(ImportKind.CUSTOMERS, file, mapping, preset, datetime.now(UTC).date(), as_json, actor=by)


__all__ = ["EXIT_USAGE", "app"]
