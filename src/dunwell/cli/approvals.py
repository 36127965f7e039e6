"""`dunwell approvals list|show|approve|edit|reject`: the reminders waiting for a person (approval,
or a send that stopped halfway), with why they wait and the exact message, and the decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import console, open_runtime, print_json, transaction, user_errors
from dunwell.core.access import Principal
from dunwell.core.money import minor_to_decimal
from dunwell.orm.reminders import Reminder
from dunwell.reminders import service
from dunwell.reminders.listing import approval_reasons

app = typer.Typer(help="Reminders waiting for a person: approve, edit or reject them.", no_args_is_help=True)


def _row(r: Reminder) -> dict[str, Any]:
    return {
        "id": r.id,
        "key": r.key,
        "customer_id": r.customer_id,
        "customer": r.document.get("customer", {}).get("name"),
        "currency": r.currency,
        "total_minor": r.total_minor,
        "step": r.step,
        "tone": r.tone,
        "channel": r.channel,
        "status": r.status.value,
        "to_address": r.to_address,
        "why": approval_reasons(r),
        "subject": r.subject,
        "body": r.body,
    }


@app.command("list")
def list_command(as_json: JSON = False) -> None:
    """What waits: reminders awaiting approval (why), and unconfirmed sends.

    JSON: [{"id", "key", "customer_id", "customer", "currency", "total_minor", "step", "tone",
    "channel", "status", "to_address", "why": [{"code", "text"}], "subject", "body"}].
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            found = [_row(r) for r in service.waiting(session, Principal.operator("approvals"))]
    if as_json:
        print_json(found)
        return
    table = Table("id", "customer", "amount", "step", "channel", "status", "why")
    for row in found:
        amount = f"{minor_to_decimal(row['total_minor'], row['currency'])} {row['currency']}"
        why = "; ".join(w["text"] for w in row["why"]) or row["status"]
        table.add_row(
            str(row["id"]), str(row["customer"]), amount, row["step"], row["channel"], row["status"], why
        )
    console.print(table)


@app.command("show")
def show_command(reminder_id: int, as_json: JSON = False) -> None:
    """The exact message (subject, body, recipient), why it waits, and what happened to it.

    JSON: the reminder as `approvals list` shows one, plus "reasons": [{"code", "text"}] and
    "events": [{"at", "kind", "actor", "rule", "detail"}].
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            view = service.reminder(session, Principal.operator("approvals"), reminder_id)
            row = _row(view.reminder) | {
                "events": [
                    {
                        "at": e.at.isoformat(),
                        "kind": e.kind.value,
                        "actor": e.actor,
                        "rule": e.rule,
                        "detail": e.detail,
                    }
                    for e in view.events
                ],
                "reasons": view.reminder.reasons,
            }
    if as_json:
        print_json(row)
        return
    console.print(
        f"To: {row['to_address'] or '-'} ({row['channel']})\nSubject: {row['subject']}\n", highlight=False
    )
    console.print(row["body"], highlight=False, markup=False)
    for reason in row["reasons"]:
        console.print(f"- {reason.get('text')}", highlight=False, markup=False)


def _decide(action: str, reminder_id: int, by: str, **kwargs: Any) -> Reminder:
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            principal = Principal.operator(by)
            if action == "approve":
                return service.approve(session, principal, reminder_id, note=kwargs.get("note", ""))
            return service.reject(session, principal, reminder_id, reason=kwargs["reason"])


@app.command("approve")
def approve_command(
    reminder_id: int,
    by: ACTOR,
    note: Annotated[str, typer.Option("--note", help="Why (recorded).")] = "",
    as_json: JSON = False,
) -> None:
    """Let it go: queued for its send time (the compliance guard still decides when it is sent).

    JSON: the reminder as `approvals list` shows one: {"id", "key", "customer_id", "customer", "currency",
    "total_minor", "step", "tone", "channel", "status", "to_address", "why", "subject", "body"}.
    """
    found = _decide("approve", reminder_id, by, note=note)
    if as_json:
        print_json(_row(found))
        return
    console.print(f"Reminder {reminder_id} approved by {by}: {found.status.value}.", highlight=False)


@app.command("reject")
def reject_command(
    reminder_id: int,
    by: ACTOR,
    reason: Annotated[str, typer.Option("--reason", help="Why it must not go (required, recorded).")],
    as_json: JSON = False,
) -> None:
    """Stop it for good, with the reason.

    JSON: the reminder as `approvals list` shows one: {"id", "key", ..., "status": "rejected", ...}.
    """
    found = _decide("reject", reminder_id, by, reason=reason)
    if as_json:
        print_json(_row(found))
        return
    console.print(f"Reminder {reminder_id} rejected by {by}.", highlight=False)


@app.command("edit")
def edit_command(
    reminder_id: int,
    by: ACTOR,
    body_file: Annotated[Path, typer.Option("--body", help="A text file with the new body.", exists=True)],
    subject: Annotated[str | None, typer.Option("--subject", help="A new subject.")] = None,
    as_json: JSON = False,
) -> None:
    """Replace the words; the compliance guard checks the edited message at once (an edit it would
    never send is refused; one it would send later is kept, with the reason).

    JSON: the reminder as `approvals list` shows one, and "guard": the guard's remarks on the edit.
    """
    body = body_file.read_text(encoding="utf-8")
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            current = service.reminder(session, Principal.operator(by), reminder_id).reminder
            found, remarks = service.edit(
                session, Principal.operator(by), reminder_id, subject=subject or current.subject, body=body
            )
            row = _row(found) | {"guard": remarks}
    if as_json:
        print_json(row)
        return
    console.print(
        f"Reminder {reminder_id} edited by {by}. Guard: {'; '.join(remarks) or 'allowed'}", highlight=False
    )
