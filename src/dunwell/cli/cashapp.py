"""`dunwell cashapp`: read bank statements, match payments to open items, measure the matching.

``parse`` and ``evaluate`` and ``match --open-items ... --statement ...`` work on files alone (the
contract other tools use); ``import``, ``match`` (without files), ``review``, ``confirm``,
``reject``, ``export`` (and ``evaluate`` without ``--matches``) work on the database
(``cli/cashapp_db.py``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from dunwell.cashapp.files import payments_of, read_matches, read_open_items, read_truth, write_matches
from dunwell.cli.runtime import console, fail, parse_day, print_json, user_errors
from dunwell.ingest.bank import StatementFile, StatementUnreadable, read_statement
from dunwell.matching.engine import Matcher
from dunwell.matching.evaluate import evaluate, rows_of
from dunwell.matching.tolerances import Tolerances, parse_limits

app = typer.Typer(
    help="Cash application: bank statements in, payments matched to invoices.", no_args_is_help=True
)

JSON = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
EXIT_UNREADABLE = 2


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


def _read(path: Path) -> StatementFile:
    try:
        return read_statement(path)
    except StatementUnreadable as exc:
        fail(str(exc), code=EXIT_UNREADABLE)


@app.command("parse")
def parse_command(
    file: Annotated[Path, typer.Argument(help="A bank statement file.")], as_json: JSON = False
) -> None:
    """Read a statement (camt.052/053/054, BAI2, MT940/942, OFX, CSV/XLSX) and check its totals.
    Exit 2 when the file is not a statement of any supported format."""
    summary = statement_summary(_read(file))
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
        Path | None, typer.Option("--open-items", help="OPEN.csv (file-only matching).")
    ] = None,
    statement: Annotated[Path | None, typer.Option("--statement", help="The statement to match.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="MATCHES.csv to write.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Database run: the day matched on.")] = None,
    write_off_limits: Annotated[
        list[str] | None,
        typer.Option(
            "--write-off-limit",
            help="File-only: CURRENCY=AMOUNT a payment may be short and settle its items (repeatable; "
            "the database run reads DUNWELL_CASHAPP_WRITE_OFF_LIMITS).",
        ),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Match payments: on files (--open-items, --statement, --out), or the database's unapplied cash."""
    if open_items is None and statement is None:
        from dunwell.cli.cashapp_db import match_in_database

        match_in_database(parse_day(as_of, option="--as-of") if as_of else None, as_json)
        return
    if open_items is None or statement is None or out is None:
        fail("file-only matching needs --open-items, --statement and --out together")
    try:
        tolerances = Tolerances(parse_limits(write_off_limits or []))
    except ValueError as exc:
        fail(str(exc))
    with user_errors():
        book = read_open_items(open_items)
        parsed = _read(statement)
        payments = payments_of(parsed, statement)
        results = Matcher(book.items, book.customers, tolerances=tolerances).match_all(payments)
        currency = {p.payment_ref: p.currency for p in payments}
        rows = [row for r in results for row in rows_of(r, currency=currency[r.payment_ref])]
        write_matches(out, rows)
    counts = {
        status: sum(r.status.value == status for r in results)
        for status in ("auto", "suggested", "unmatched")
    }
    payload = {
        "payments": len(results),
        **counts,
        "open_items": len(book.items),
        "open_item_problems": book.problems,
        "statement_problems": [p.message for p in parsed.problems],
        "out": str(out),
    }
    if as_json:
        print_json(payload)
        return
    console.print(
        f"{len(results)} payments: {counts['auto']} applied, {counts['suggested']} suggested, "
        f"{counts['unmatched']} unmatched; written to {out}"
    )
    for problem in book.problems:
        console.print(f"[yellow]open items[/yellow] {problem}")


@app.command("evaluate")
def evaluate_command(
    truth: Annotated[Path, typer.Option("--truth", help="TRUTH.csv: payment_ref, invoice_id, amount.")],
    matches: Annotated[
        Path | None,
        typer.Option("--matches", help="MATCHES.csv (`cashapp match`); without it, the database's matches."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Envelope, line-item and auto-apply rates, precision of what was applied, top-1/top-3.

    Without --matches, the matches the database's runs made for the payments TRUTH.csv names."""
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
