"""`dunwell segments --as-of D` and `dunwell segments changes --from D1 --to D2`: each customer's
payment behaviour as of a day, and the moves between two days (a move to a worse one is an alert)."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.table import Table

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, fail, open_reader, parse_day, print_json, transaction, user_errors
from dunwell.core.access import Principal
from dunwell.ml.segments import FigureMove, rank
from dunwell.segments.schemas import SegmentChangeOut, SegmentChanges, SegmentList, SegmentOut
from dunwell.segments.service import ChangeRow, SegmentRow, changes_between, segments_as_of

app = typer.Typer(
    help="Customers' payment behaviour as of a day (early payer … deteriorating) and its changes.",
    invoke_without_command=True,
)


@app.callback()
def segments_command(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The book as it stood at the end of this day (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many, worst first.")] = 50,
    as_json: JSON = False,
) -> None:
    """Each customer's segment as of a day, with the figures behind it (reads only). Segments from
    best to worst: early_payer < on_time < payment_run < seasonal < steady_late < chronic_late <
    deteriorating; new_or_thin is unranked.

    JSON: {"as_of", "count", "by_segment": {segment: count}, "customers": [{"customer_id",
    "external_id", "name", "segment", "habit", "figures": {...}, "reasons"}]}.
    """
    if ctx.invoked_subcommand is not None:
        return
    if as_of is None:
        fail("give --as-of YYYY-MM-DD (or a command: `dunwell segments changes --help`)")
    day = parse_day(as_of, option="--as-of")
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            rows = segments_as_of(session, Principal.operator("segments"), as_of=day)
    counts = Counter(r.segment.value for r in rows)
    if as_json:
        result = SegmentList(
            as_of=day, count=len(rows), by_segment=dict(counts), customers=[SegmentOut.of(r) for r in rows]
        )
        print_json(result.model_dump(mode="json"))
        return
    if not rows:
        console.print(f"No customer had anything issued by {day}.")
        return
    console.print(
        f"{len(rows)} customers as of {day}: " + ", ".join(f"{s} {n}" for s, n in counts.most_common())
    )
    table = Table("id", "customer", "segment", "habit", "median delay", "spread", "trend/month", "why")
    shown = sorted(rows, key=_worst_first)[:limit]
    for r in shown:
        f = r.figures
        table.add_row(
            str(r.customer_id), r.name, r.segment.value, r.habit.value,
            _days(f.median_delay), _days(f.spread), _days(f.trend_per_month), "; ".join(r.reasons),
        )  # fmt: skip
    console.print(table)
    if len(rows) > limit:
        console.print(f"… and {len(rows) - limit} more (--limit, or --json for all).")


@app.command("changes")
def changes_command(
    start: Annotated[str, typer.Option("--from", help="The earlier day (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="The later day (YYYY-MM-DD).")],
    worse_only: Annotated[bool, typer.Option("--alerts", help="Only moves to a worse segment.")] = False,
    as_json: JSON = False,
) -> None:
    """Customers whose segment changed between two days; a move to a worse segment is an alert,
    shown first with the figures that moved (reads only).

    JSON: {"from", "to", "changes", "alerts", "items": [{"customer_id", "external_id", "name",
    "before", "after", "worse", "moved": [{"figure", "before", "after"}], "reasons"}]}.
    """
    first, last = parse_day(start, option="--from"), parse_day(end, option="--to")
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            rows = changes_between(
                session, Principal.operator("segments"), start=first, end=last, only_worse=worse_only
            )
    alerts = sum(r.worse for r in rows)
    if as_json:
        result = SegmentChanges(
            start=first,
            end=last,
            changes=len(rows),
            alerts=alerts,
            items=[SegmentChangeOut.of(r) for r in rows],
        )
        print_json(result.model_dump(mode="json", by_alias=True))
        return
    console.print(f"{len(rows)} segment change(s) from {first} to {last}, {alerts} to a worse segment.")
    if not rows:
        return
    table = Table("", "id", "customer", "from", "to", "what moved", "why")
    for r in rows:
        table.add_row(
            "ALERT" if r.worse else "", str(r.customer_id), r.name, r.before.value, r.after.value,
            _moves(r), "; ".join(r.reasons),
        )  # fmt: skip
    console.print(table)


def _worst_first(row: SegmentRow) -> tuple[int, str]:
    ranked = rank(row.segment)
    return (-(ranked if ranked is not None else -1), row.name)


def _moves(row: ChangeRow) -> str:
    return ", ".join(_move(m) for m in row.moved) or "-"


def _move(move: FigureMove) -> str:
    share = move.name.endswith("share")
    return f"{move.name.replace('_', ' ')} {_number(move.before, share)} → {_number(move.after, share)}"


def _number(value: float | int | None, share: bool) -> str:
    if value is None:
        return "–"
    return f"{value * 100:.0f} %" if share else f"{value:.1f}".removesuffix(".0")


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"
