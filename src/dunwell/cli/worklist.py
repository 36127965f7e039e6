"""`dunwell worklist --as-of D [--collector LOGIN] [--json | --xlsx FILE]`: the collectors' day."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, fail, open_reader, parse_day, print_json, transaction, user_errors
from dunwell.core.access import Principal
from dunwell.core.money import minor_to_decimal
from dunwell.worklist.policy import WorklistPolicy
from dunwell.worklist.schemas import WorklistOut
from dunwell.worklist.service import worklist
from dunwell.worklist.workbook import write_workbook


def worklist_command(
    as_of: Annotated[
        str, typer.Option("--as-of", help="The day planned (YYYY-MM-DD); read as known the day before.")
    ],
    collector: Annotated[
        str | None, typer.Option("--collector", help="Only this collector's queue (login).")
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write the Excel file collectors share (a sheet each, 'Left out')."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Per collector, the customers whose contact today brings the most extra cash per minute, within
    their minutes a day (`dunwell users set-capacity`); the others with something overdue are listed as
    left out, with the reason (reads only).

    JSON: {"as_of", "known_until", "reference_currency", "holdout_share", "model": {"kind", "note", ...},
    "queues": [{"collector_id", "login", "name", "capacity_minutes", "planned_minutes", "rows": [{"rank",
    "customer_id", "external_id", "name", "figures": [{"currency", "overdue_minor", "due_soon_minor",
    "disputed_minor", "expected_minor"}], "suggestion": {"channel", "tone", "minutes", "cost_minor",
    "value_minor", "per_minute_minor"}, "p_untouched", "why", "prediction", "segment", "last_touch",
    "promise", "done"}], "left_out": [{"customer_id", "external_id", "name", "owner_id", "figures",
    "reasons": [{"code", "text"}]}], "done", "minutes_used", "touches_today", "promised_today"}],
    "unassigned": [...left out...]}.
    """
    if as_json and xlsx is not None:
        fail("give --json or --xlsx, not both")
    day = parse_day(as_of, option="--as-of")
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            found = worklist(
                session,
                Principal.operator("worklist"),
                as_of=day,
                policy=WorklistPolicy.from_settings(runtime.settings),
                collector=collector,
            )
    if as_json:
        print_json(WorklistOut.of(found).model_dump(mode="json"))
        return
    if xlsx is not None:
        write_workbook(found, xlsx)
        rows = sum(len(q.rows) for q in found.queues)
        console.print(
            f"Wrote {xlsx}: {len(found.queues)} collectors, {rows} customers to contact.", highlight=False
        )
        return
    console.print(
        f"Worklist for {day} (known until {found.known_until}); model: {found.model['note']}", highlight=False
    )
    for queue in found.queues:
        table = Table(
            "#", "customer", "action", "overdue", "expected (30 d)", f"{found.reference_currency}/min"
        )
        for row in queue.rows:
            s = row.suggestion
            table.add_row(
                str(row.rank),
                row.name,
                f"{s.channel} ({s.tone}, {s.minutes} min)",
                ", ".join(
                    f"{minor_to_decimal(f.overdue_minor, f.currency)} {f.currency}" for f in row.figures
                ),
                ", ".join(
                    f"{minor_to_decimal(f.expected_minor, f.currency)} {f.currency}" for f in row.figures
                ),
                str(minor_to_decimal(s.per_minute_minor, found.reference_currency)),
            )
        console.print(
            f"\n{queue.name} ({queue.login}): {len(queue.rows)} customers, {queue.planned_minutes} of "
            f"{queue.capacity_minutes} minutes; {len(queue.left_out)} left out",
            highlight=False,
        )
        console.print(table)
        for out in queue.left_out[:20]:
            console.print(
                f"  left out: {out.name}: {'; '.join(r.text for r in out.reasons)}", highlight=False
            )
        if len(queue.left_out) > 20:
            console.print(f"  … and {len(queue.left_out) - 20} more (--json or --xlsx for all)")
