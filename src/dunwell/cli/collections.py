"""`dunwell import contacts|touches` and `dunwell data-quality`: the collections records a
collector works from, loaded from files, and the customer records that need fixing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import (
    console,
    open_reader,
    open_runtime,
    parse_day,
    print_json,
    transaction,
    user_errors,
)
from dunwell.collections.service import refresh_promises
from dunwell.collections.touches_import import import_touches
from dunwell.core.access import Principal
from dunwell.customers.contacts_import import ImportSummary, import_contacts
from dunwell.customers.quality import book_quality

FILE = Annotated[Path, typer.Argument(help="The CSV file.", exists=True, dir_okay=False, readable=True)]
PRESET = Annotated[
    str | None, typer.Option("--preset", help="Column names of a known source: sim (the simulator's file).")
]
ENTITY = Annotated[
    int | None,
    typer.Option("--entity-id", help="Only customers of this entity id (when ids repeat across entities)."),
]


def import_contacts_command(
    file: FILE, by: ACTOR, preset: PRESET = None, entity: ENTITY = None, as_json: JSON = False
) -> None:
    """Load contacts (per customer, by the file's contact id: a re-import updates, never duplicates).

    JSON: {"file", "read", "inserted", "updated", "unchanged", "rejected", "rejects": [{"line", "reason"}]}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            summary = import_contacts(session, Principal.operator(by), file, preset=preset, entity_id=entity)
    _summary(summary, as_json, "contacts")


def import_touches_command(
    file: FILE, by: ACTOR, preset: PRESET = None, entity: ENTITY = None, as_json: JSON = False
) -> None:
    """Load collection touches (calls, emails, letters, meetings), each once (by the file's touch id).

    JSON: {"file", "read", "inserted", "updated", "unchanged", "rejected", "rejects": [{"line", "reason"}]}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            summary = import_touches(session, Principal.operator(by), file, preset=preset, entity_id=entity)
    _summary(summary, as_json, "touches")


def refresh_promises_command(
    by: ACTOR,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today).")] = None,
    as_json: JSON = False,
) -> None:
    """Store each promise to pay's status as of the day (kept, partly kept, broken, open), from the
    cash applied by then; run after the day's cash application.

    JSON: {"promises", "<status>": changed count, ...}.
    """
    day = parse_day(as_of, option="--as-of") if as_of else date.today()  # noqa: DTZ011 - the operator's day
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            counts = refresh_promises(session, Principal.operator(by), as_of=day)
    if as_json:
        print_json(counts)
        return
    console.print(
        f"{counts['promises']} promise(s) as of {day}; changed: "
        + (", ".join(f"{k} {v}" for k, v in counts.items() if k != "promises") or "none")
    )


def data_quality_command(
    all_customers: Annotated[
        bool, typer.Option("--all", help="Every customer, not only those with a problem.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, worst first.")] = 100,
    as_json: JSON = False,
) -> None:
    """Data quality per customer: a score out of 100 and the reasons (no usable contact or consent,
    no terms, documents with dates out of order, likely duplicates, shared bank accounts). Reads only.

    JSON: {"count", "customers": [{"customer_id", "name", "score", "reasons": [{"code", "message"}]}]}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            found = book_quality(session, Principal.operator("data-quality"), only_problems=not all_customers)
    shown = found[:limit]
    if as_json:
        print_json({"count": len(found), "customers": [q.to_dict() for q in shown]})
        return
    if not found:
        console.print("No data-quality problems found.")
        return
    table = Table("id", "customer", "score", "reasons")
    for quality in shown:
        reasons = "; ".join(p.message for p in quality.problems) or "-"
        table.add_row(str(quality.customer_id), quality.name, str(quality.score), reasons)
    console.print(table)
    if len(found) > limit:
        console.print(f"… and {len(found) - limit} more (--limit).")


def _summary(summary: ImportSummary, as_json: bool, what: str) -> None:
    if as_json:
        print_json(summary.to_dict())
        return
    console.print(
        f"{summary.file}: {summary.read} {what} read, {summary.inserted} added, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {len(summary.rejects)} rejected.",
        highlight=False,
    )
    for line, reason in summary.rejects[:20]:
        console.print(f"  line {line}: {reason}", highlight=False)
