"""`dunwell compliance check --case CASE.json`: decide one proposed contact with the compliance
guard, from a file and without a database (the file contract is in ADR 0026)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from dunwell.cli.errors import fail, user_errors
from dunwell.cli.options import JSON
from dunwell.cli.output import console, err_console, print_json
from dunwell.dunning.compliance import (
    DEFAULT_POLICY,
    Case,
    Decision,
    Policy,
    decide,
    decision_document,
    read_case,
    utc_text,
)

app = typer.Typer(
    help="The compliance guard: may a contact (call, email, text, letter) go out, and if not, when?",
    no_args_is_help=True,
)


@app.command("check")
def check_command(
    case_file: Annotated[
        Path,
        typer.Option("--case", help="The case as JSON: ledger, debtor, history and the proposed action."),
    ],
    weekly_cap: Annotated[
        int,
        typer.Option(
            "--weekly-cap",
            min=1,
            help="Commercial ledger: at most this many messages to a customer in 7 days (B2B-CAP-1).",
        ),
    ] = DEFAULT_POLICY.b2b_messages_per_seven_days,
    as_json: JSON = False,
) -> None:
    """Decide one proposed contact (reads only a file; exit 0 whether it is allowed or not, 2 when
    the case is invalid, naming the field). Pattern warnings (RF-CALL-4) go to stderr under --json.

    JSON: {"allowed", "blocked_by": [{"rule", "reason"}], "next_allowed_at": "YYYY-MM-DDTHH:MM:SSZ"
    or null (never)}; when allowed, next_allowed_at is the action's own time.
    """
    with user_errors():  # an invalid case is a DunwellError of kind "invalid": exit 2
        case = read_case(_read_json(case_file))
    decision = decide(case, policy=Policy(b2b_messages_per_seven_days=weekly_cap))
    if as_json:
        for flag in decision.flags:
            err_console.print(f"warning {flag.rule}: {escape(flag.reason)}", highlight=False)
        print_json(decision_document(decision))
        return
    _print_summary(case, decision)


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"--case {path}: cannot read it ({exc.strerror or exc})", error_code="invalid_case")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(
            f"--case {path}: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})",
            error_code="invalid_case",
        )


def _print_summary(case: Case, decision: Decision) -> None:
    action = case.action
    zones = case.debtor.time_zones
    local = ", ".join(f"{action.at.astimezone(z):%H:%M} {z.key}" for z in zones)
    verdict = "[green]ALLOWED[/]" if decision.allowed else "[bold red]BLOCKED[/]"
    console.print(
        f"{verdict}: {action.channel.value} at {utc_text(action.at)} ({local}), {case.ledger.value} ledger",
        highlight=False,
    )
    for block in decision.blocked_by:
        console.print(f"  {block.rule}: {escape(block.reason)}", highlight=False)
    for flag in decision.flags:
        console.print(f"  [yellow]warning[/] {flag.rule}: {escape(flag.reason)}", highlight=False)
    if decision.allowed:
        return
    when = decision.next_allowed_at
    if when is None:
        console.print("Next allowed: never (or not within the search horizon).", highlight=False)
        return
    then = ", ".join(f"{when.astimezone(z):%a %Y-%m-%d %H:%M} {z.key}" for z in zones)
    console.print(f"Next allowed: {utc_text(when)} ({then})", highlight=False)
