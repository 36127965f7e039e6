"""`dunwell cashapp`: read bank statements, match payments to open items, measure the matching.

One command per job. On files alone (the contract other tools use): ``parse``, ``match`` (OPEN.csv
and a statement in, MATCHES.csv out) and ``evaluate --matches``. On the database
(``cli/cashapp_db.py``, ``cli/cashapp_calibration.py``): ``import``, ``run`` (match the unapplied
cash), ``review``, ``confirm``, ``reject``, ``export``, ``calibration``, ``recalibrate``, and
``evaluate`` without ``--matches``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from dunwell.cashapp.file_match import match_files
from dunwell.cashapp.files import read_matches, read_truth
from dunwell.cli.options import JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import console, fail, print_json, user_errors
from dunwell.ingest.bank import StatementFile, read_statement
from dunwell.matching.evaluate import evaluate
from dunwell.matching.tolerances import Tolerances, parse_limits

app = typer.Typer(
    help="Cash application: bank statements in, payments matched to invoices.", no_args_is_help=True
)


def statement_summary(parsed: StatementFile) -> dict[str, Any]:
    currencies = sorted(
        {t.currency for t in parsed.transactions} | {s.currency for s in parsed.statements if s.currency}
    )
    return {
        "format": parsed.format.value,
        "statements": len(parsed.statements),
        "transactions": len(parsed.transactions),
        "credits_total": str(sum((s.credits for s in parsed.statements), Decimal(0))),
        "debits_total": str(sum((s.debits for s in parsed.statements), Decimal(0))),
        "currency": currencies[0] if len(currencies) == 1 else currencies,
        "problems": [
            {"code": p.code, "message": p.message, **({"line": p.line} if p.line else {})}
            for p in parsed.problems
        ],
    }


@app.command("parse")
def parse_command(
    file: Annotated[Path, typer.Argument(help="A bank statement file.")], as_json: JSON = False
) -> None:
    """Read a statement (camt.052/053/054, BAI2, MT940/942, OFX, CSV/XLSX) and check its totals.
    Exit 2 when the file is not a statement of any supported format.

    JSON: {"format", "statements", "transactions", "credits_total", "debits_total", "currency",
    "problems"}.
    """
    with user_errors():
        summary = statement_summary(read_statement(file))
    if as_json:
        print_json(summary)
        return
    console.print(
        f"{summary['format']}: {summary['statements']} statement(s), "
        f"{summary['transactions']} transaction(s), credits {summary['credits_total']}, "
        f"debits {summary['debits_total']} {summary['currency']}"
    )
    for problem in summary["problems"]:
        console.print(f"[yellow]{problem['code']}[/yellow]: {problem['message']}")


@app.command("match")
def match_command(
    open_items: Annotated[
        Path | None, typer.Option("--open-items", help="OPEN.csv: the open items to match against.")
    ] = None,
    statement: Annotated[Path | None, typer.Option("--statement", help="The statement to match.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="MATCHES.csv to write.")] = None,
    write_off_limits: Annotated[
        list[str] | None,
        typer.Option(
            "--write-off-limit",
            help="CURRENCY=AMOUNT a payment may be short and settle its items (repeatable).",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Match a statement's payments to OPEN.csv on files alone (no database) and write MATCHES.csv.
    To match the database's unapplied cash, use `dunwell cashapp run`.

    JSON: {"payments", "auto", "suggested", "unmatched", "open_items", "open_item_problems",
    "statement_problems", "out"}.
    """
    if open_items is None or statement is None or out is None:
        fail(
            "cashapp match works on files: give --open-items, --statement and --out; "
            "to match the database's unapplied cash, run `dunwell cashapp run`"
        )
    try:
        tolerances = Tolerances(parse_limits(write_off_limits or []))
    except ValueError as exc:
        fail(str(exc))
    with user_errors(), progress_bar(f"matching {statement.name}", quiet=as_json) as bar:
        result = match_files(
            open_items=open_items, statement=statement, out=out, tolerances=tolerances, progress=bar
        )
    if as_json:
        print_json(result.to_dict())
        return
    counts = result.counts
    console.print(
        f"{result.payments} payments: {counts['auto']} applied, {counts['suggested']} suggested, "
        f"{counts['unmatched']} unmatched; written to {out}"
    )
    for problem in result.open_item_problems:
        console.print(f"[yellow]open items[/yellow] {problem}")


@app.command("evaluate")
def evaluate_command(
    truth: Annotated[Path, typer.Option("--truth", help="TRUTH.csv: payment_ref, invoice_id, amount.")],
    matches: Annotated[
        Path | None,
        typer.Option(
            "--matches", help="MATCHES.csv (`cashapp match` or `export`); without it, the database's matches."
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Envelope, line-item and auto-apply rates, precision of what was applied, top-1/top-3.

    Without --matches, the matches the database's runs made for the payments TRUTH.csv names
    (reads only).

    JSON: {"payments", "payments_with_truth", "envelope_rate", "line_item_rate", "auto_rate",
    "auto_precision", "top1_accuracy", "top3_accuracy", "auto_payments", "auto_wrong",
    "review_payments"}.
    """
    with user_errors():
        truth_rows, customers = read_truth(truth)
        if matches is None:
            from dunwell.cli.cashapp_db import stored_rows

            named = {payment_ref for payment_ref, _, _ in truth_rows}
            rows = [r for r in stored_rows() if r.payment_ref in named]
        else:
            rows = read_matches(matches)
        figures = evaluate(rows, truth_rows, truth_customers=customers)
    if as_json:
        print_json(figures)
        return
    for name, value in figures.items():
        console.print(f"{name}: {value}")


def _register_database_commands() -> None:
    from dunwell.cli import cashapp_calibration, cashapp_db

    cashapp_db.register(app)
    cashapp_calibration.register(app)


_register_database_commands()
