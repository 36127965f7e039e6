"""`dunwell audit verify`: is the audit log as it was written, every entry still there?"""

from __future__ import annotations

import typer
from rich.markup import escape

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, open_reader, print_json, transaction, user_errors
from dunwell.kit.audit_chain import ChainReport, verify_chain

app = typer.Typer(help="The audit log: check its hash chain.", no_args_is_help=True)

#: Problems printed as text; --json lists them all.
_SHOWN = 20

#: Exit code of a log that is not intact (a finding, not a usage error).
EXIT_NOT_INTACT = 1


@app.command("verify")
def verify_command(as_json: JSON = False) -> None:
    """Recompute every entry's hash in chain order and check each link (reads only).

    Finds entries edited (contents no longer give their hash), deleted (a gap in seq), and
    inserted, moved or re-linked (prev_hash is not the previous entry's hash). Exit 0 when the
    log is intact, 1 when not. Entries deleted from the very end leave no trace in the chain:
    keep the printed head somewhere else and compare.

    JSON: {"entries", "intact", "problems", "head"}: problems in chain order, each {"id", "seq",
    "problem", "detail"} where problem is edited, deleted_before, broken_link, duplicate_seq or
    out_of_order; head is {"seq", "entry_hash"} of the last entry.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            report = verify_chain(session)
    if as_json:
        print_json(report.to_dict())
    else:
        _print(report)
    if not report.intact:
        raise typer.Exit(EXIT_NOT_INTACT)


def _print(report: ChainReport) -> None:
    head = f"head seq {report.head_seq}, hash {report.head_hash}"
    if report.intact:
        console.print(f"audit log intact: {report.entries} entries; {head}", highlight=False)
        return
    console.print(
        f"audit log NOT intact: {len(report.problems)} problem(s) in {report.entries} entries; {head}",
        highlight=False,
    )
    for problem in report.problems[:_SHOWN]:
        line = f"  id {problem.id} (seq {problem.seq}): {problem.problem.value}: {problem.detail}"
        console.print(escape(line), highlight=False)
    if len(report.problems) > _SHOWN:
        console.print(f"  ... and {len(report.problems) - _SHOWN} more (--json lists them all)")
