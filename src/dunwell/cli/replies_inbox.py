"""`dunwell replies ingest|list|accept|reject`: the inbox of customers' replies. Ingest stores a
folder of ``.eml`` files (what `replies fetch` writes) once each, tied to their customers, with the
action each suggests, and honours stops at once; a person then accepts or rejects the rest."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import (
    EXIT_REJECTED,
    console,
    fail,
    open_reader,
    open_runtime,
    parse_day,
    print_json,
    transaction,
    user_errors,
)
from dunwell.core.access import Principal
from dunwell.core.money import minor_to_decimal
from dunwell.inbox import service
from dunwell.inbox.acting import ReplyEdits
from dunwell.inbox.ingesting import FileStatus, ingest, read_messages
from dunwell.orm.inbox import ReceivedReply

REPLY_ID = Annotated[int, typer.Argument(help="The reply's id (see `dunwell replies list`).")]


def reply_record(reply: ReceivedReply) -> dict[str, Any]:
    """A stored reply for --json: ISO dates and times, the amount a decimal string, absent = null."""
    amount = (
        str(minor_to_decimal(reply.promise_amount_minor, reply.currency))
        if reply.promise_amount_minor is not None and reply.currency
        else None
    )
    return {
        "id": reply.id,
        "message_id": reply.message_id,
        "file": reply.source,
        "sender": reply.sender,
        "subject": reply.subject,
        "sent_at": reply.sent_at.isoformat() if reply.sent_at else None,
        "received_at": reply.received_at.isoformat(),
        "customer_id": reply.customer_id,
        "reminder_id": reply.reminder_id,
        "contact_id": reply.contact_id,
        "linked_by": reply.linked_by.value,
        "intent": reply.intent.value,
        "confidence": reply.confidence,
        "evidence": reply.evidence,
        "promise_date": reply.promise_date.isoformat() if reply.promise_date else None,
        "promise_amount": amount,
        "currency": reply.currency,
        "dispute_category": reply.dispute_category.value if reply.dispute_category else None,
        "invoice_refs": list(reply.invoice_refs),
        "return_date": reply.return_date.isoformat() if reply.return_date else None,
        "new_contact": reply.new_contact,
        "state": reply.state.value,
        "attention": reply.attention,
        "decided_by": reply.decided_by,
        "decided_at": reply.decided_at.isoformat() if reply.decided_at else None,
        "decision_note": reply.decision_note,
        "outcome": dict(reply.outcome),
    }


def ingest_command(
    path: Annotated[Path, typer.Argument(help="An .eml file, or a folder whose *.eml files are read.")],
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Store customers' replies, each once (by Message-ID), tied to a customer (the reminder it
    answers, else the sender's address, else the invoices it names) with the action it suggests.

    A stop from a known contact is applied at once: the contact is opted out of e-mail and one
    confirmation is queued for the sender (`dunwell dunning send` sends it through the compliance
    guard). A file that is no e-mail is reported and the others are stored (exit code 3).

    JSON: {"stored", "already_stored", "unreadable", "applied_at_once", "files": [{"file", "status",
    "reply_id", "message_id", "intent", "state", "linked_by", "customer_id", "reason"}]}.
    """
    with user_errors():
        messages = read_messages(path)
        if not messages:
            fail(f"{path}: no .eml files in this folder", error_code="no_messages")
        runtime = open_runtime()
        with transaction(runtime) as session:
            report = ingest(session, Principal.operator(by), messages)
    if as_json:
        print_json(report.as_dict())
    else:
        counts = report.as_dict()
        console.print(
            f"{counts['stored']} stored ({counts['applied_at_once']} stop(s) applied at once), "
            f"{counts['already_stored']} already stored, {counts['unreadable']} unreadable",
            highlight=False,
        )
        for outcome in report.files:
            if outcome.status is FileStatus.UNREADABLE or outcome.reason:
                console.print(f"  {outcome.file}: {outcome.status.value}: {outcome.reason}", highlight=False)
    if report.count(FileStatus.UNREADABLE):
        raise typer.Exit(EXIT_REJECTED)


def list_command(
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="Only replies in this state: suggested, accepted, rejected, applied_at_once."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 200,
    as_json: JSON = False,
) -> None:
    """The stored replies: stops still waiting for a person first, then other suggestions, then
    decided ones, newest first. Reads only.

    JSON: {"count", "replies": [a reply, as `replies accept` prints it]}; a reply is
    {"id", "message_id", "file", "sender", "subject", "sent_at", "received_at", "customer_id",
    "reminder_id", "contact_id", "linked_by", "intent", "confidence", "evidence", "promise_date",
    "promise_amount", "currency", "dispute_category", "invoice_refs", "return_date", "new_contact",
    "state", "attention", "decided_by", "decided_at", "decision_note", "outcome"}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            found = [
                reply_record(r)
                for r in service.list_replies(session, Principal.operator("replies"), state, limit=limit)
            ]
    if as_json:
        print_json({"count": len(found), "replies": found})
        return
    if not found:
        console.print("No replies.")
        return
    table = Table("id", "state", "intent", "customer", "linked by", "from", "evidence")
    for r in found:
        table.add_row(
            str(r["id"]),
            r["state"],
            r["intent"],
            str(r["customer_id"] or "-"),
            r["linked_by"],
            r["sender"] or "",
            (r["attention"] or r["evidence"])[:80],
        )
    console.print(table)


def accept_command(
    reply_id: REPLY_ID,
    by: ACTOR,
    customer: Annotated[
        int | None,
        typer.Option("--customer", help="Link the reply to this customer id (when unlinked or wrong)."),
    ] = None,
    contact: Annotated[int | None, typer.Option("--contact", help="The contact id who wrote.")] = None,
    day: Annotated[
        str | None,
        typer.Option("--date", help="The promised day or the return day, if not the reply's (YYYY-MM-DD)."),
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="The promised amount, if not the reply's.")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Do what the reply suggests: a promise to pay is recorded, a dispute opened, an absence put
    on hold until the return day, a wrong contact marked and the one named added, a stop applied;
    for "already paid" the JSON's outcome holds a search hint for cash application (nothing is
    posted). Audited with --by; a reply is accepted once.

    JSON: {"id", "message_id", "file", "sender", "subject", "sent_at",
    "received_at", "customer_id", "reminder_id", "contact_id", "linked_by", "intent", "confidence",
    "evidence", "promise_date", "promise_amount", "currency", "dispute_category", "invoice_refs",
    "return_date", "new_contact", "state", "attention", "decided_by", "decided_at", "decision_note",
    "outcome"}.
    """
    edits = ReplyEdits(
        customer_id=customer,
        contact_id=contact,
        day=parse_day(day, option="--date") if day else None,
        amount=_amount(amount) if amount else None,
    )
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            shown = reply_record(service.accept(session, Principal.operator(by), reply_id, edits))
    _show(shown, as_json)


def reject_command(
    reply_id: REPLY_ID,
    by: ACTOR,
    reason: Annotated[str, typer.Option("--reason", help="Why the suggestion is wrong.")],
    as_json: JSON = False,
) -> None:
    """Reject the reply's suggestion with a reason: nothing is created. Audited with --by.

    JSON: {"id", "message_id", "file", "sender", "subject", "sent_at",
    "received_at", "customer_id", "reminder_id", "contact_id", "linked_by", "intent", "confidence",
    "evidence", "promise_date", "promise_amount", "currency", "dispute_category", "invoice_refs",
    "return_date", "new_contact", "state", "attention", "decided_by", "decided_at", "decision_note",
    "outcome"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            shown = reply_record(service.reject(session, Principal.operator(by), reply_id, reason))
    _show(shown, as_json)


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        fail(f"--amount must be a number such as 1250.50, not {text!r}")


def _show(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(record)
        return
    console.print(
        f"reply {record['id']}: {record['state']} ({record['intent']}) by {record['decided_by']}",
        highlight=False,
    )
    for key, value in record["outcome"].items():
        console.print(f"  {key}: {value}", highlight=False)
