"""`dunwell replies classify PATH`: read customers' replies from an ``.eml`` file or a folder of
them and print each one's intent, confidence, evidence and stated fields (issue 20's file contract).
No database: the files are read here, the engine (``dunwell.replies``) reads the bytes.

The trained half of the classifier is fitted on first use from the examples shipped with the
package (``dunwell.inbox.shipped_model``, re-exported here) and kept in memory. The inbox commands
(ingest, list, accept, reject), which do use the database, are in ``replies_inbox``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import JSON
from dunwell.cli.replies_fetch import fetch_command
from dunwell.cli.replies_inbox import accept_command, ingest_command, list_command, reject_command
from dunwell.cli.runtime import console, fail, print_json
from dunwell.inbox.shipped_model import shipped_model, shipped_training_examples
from dunwell.replies import ReplyReading, classify_message, parse_message
from dunwell.replies.message import NotAnEmail

app = typer.Typer(
    no_args_is_help=True,
    help="Read customers' replies (.eml files): classify them without a database, or keep them in the "
    "inbox with a suggested action to accept or reject.",
)
# Fetching is IO against a mail server, kept in its own module; it lands files this group's classify reads.
app.command("fetch")(fetch_command)
app.command("ingest")(ingest_command)
app.command("list")(list_command)
app.command("accept")(accept_command)
app.command("reject")(reject_command)
#: The file contract's keys, in order (other tools depend on them).
CONTRACT_KEYS = ("file", "message_id", "intent", "confidence", "promise_date", "promise_amount", "currency",
                 "dispute_category", "invoice_refs", "return_date", "evidence")  # fmt: skip
# The shipped model is re-exported: the classifier's tests and bench load it from here.
__all__ = [
    "CONTRACT_KEYS",
    "app",
    "classify_command",
    "reading_record",
    "shipped_model",
    "shipped_training_examples",
]


def reading_record(file: str, message_id: str | None, reading: ReplyReading) -> dict[str, Any]:
    """One message as the file contract prints it: ISO dates, the amount a decimal string, absent = null."""
    return {
        "file": file,
        "message_id": message_id,
        "intent": reading.intent.value,
        "confidence": reading.confidence,
        "promise_date": reading.promise_date.isoformat() if reading.promise_date else None,
        "promise_amount": str(reading.promise_amount) if reading.promise_amount is not None else None,
        "currency": reading.currency,
        "dispute_category": reading.dispute_category.value if reading.dispute_category else None,
        "invoice_refs": list(reading.invoice_refs),
        "return_date": reading.return_date.isoformat() if reading.return_date else None,
        "evidence": reading.evidence,
    }


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml" and p.is_file())
    if path.is_file():
        return [path]
    return fail(f"{path}: no such file or folder", code=4, error_code="path_not_found", kind="not_found")


@app.command("classify")
def classify_command(
    path: Annotated[
        Path, typer.Argument(help="An .eml file, or a folder whose *.eml files are read (sorted).")
    ],
    as_json: JSON = False,
) -> None:
    """Classify each reply: intent, confidence, the words that decided, and the fields it states.

    Quoted history and signatures are stripped first; relative dates ("next Friday", "am 15.") are
    resolved against the message's Date header. For already_paid, promise_date and promise_amount
    carry the payment's stated date and amount. A file that is not an e-mail stops the command
    (exit code 2) naming the file. No database is needed.

    JSON: a list of {"file", "message_id", "intent", "confidence", "promise_date", "promise_amount",
    "currency", "dispute_category", "invoice_refs", "return_date", "evidence"}, absent fields null.
    """
    files = _files(path)
    if not files:
        fail(f"{path}: no .eml files in this folder", error_code="no_messages")
    model = shipped_model()
    records = []
    for file in files:
        try:
            message = parse_message(file.read_bytes())
        except (NotAnEmail, OSError) as exc:
            fail(f"{file}: cannot read this message ({exc})", error_code="bad_message", kind="invalid")
        records.append(reading_record(str(file), message.message_id, classify_message(message, model)))
    if as_json:
        print_json(records)
        return
    table = Table("file", "intent", "conf.", "date", "amount", "refs", "evidence")
    for record in records:
        table.add_row(
            Path(record["file"]).name,
            record["intent"],
            f"{record['confidence']:.2f}",
            record["promise_date"] or record["return_date"] or "",
            " ".join(v for v in (record["promise_amount"], record["currency"]) if v),
            ", ".join(record["invoice_refs"]),
            record["evidence"][:80],
        )
    console.print(table)
