"""`dunwell writeoffs list|approve|reject|reverse` and `dunwell invoices write-off`: settling what
cash does not cover, by the company's policy or by a person (ADR 0018)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import (
    console,
    fail,
    open_reader,
    open_runtime,
    parse_day,
    print_json,
    transaction,
    user_errors,
)
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money
from dunwell.core.settlement import SettleReason
from dunwell.orm.invoice import Invoice
from dunwell.orm.settlement import WriteOffStatus
from dunwell.settlements import write_offs
from dunwell.settlements.policy import load_policy
from dunwell.settlements.repository import SettlementRepository
from dunwell.settlements.write_offs import WriteOffView

app = typer.Typer(
    help="Write-offs: short pays, discounts and deductions settled without cash, and bad debt. "
    "Within the company policy (DUNWELL_WRITE_OFF_POLICY, a YAML file) they post at once; "
    "the rest wait here for a person, who is never the one who proposed it.",
    no_args_is_help=True,
)
REASONS = ", ".join(r.value for r in SettleReason)


@app.command("list")
def list_command(
    status: Annotated[
        str | None, typer.Option("--status", help="proposed, posted, rejected or reversed (default: all).")
    ] = None,
    disputes: Annotated[
        bool, typer.Option("--disputes", help="Only deductions above policy (dispute candidates).")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many, newest first.")] = 100,
    as_json: JSON = False,
) -> None:
    """Write-off requests, newest first (reads only).

    JSON: {"count", "write_offs"}; each {"id", "invoice", "entity", "reason", "kind", "amount",
    "currency", "effective_on", "status", "dispute_candidate", "policy", "proposed_by",
    "decided_by", "note", "decision_note", "payment_id", "allocation_id"}.
    """
    wanted = _status(status)
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            views = write_offs.listing(session, status=wanted, disputes_only=disputes, limit=limit)
    if as_json:
        print_json({"count": len(views), "write_offs": [v.to_dict() for v in views]})
        return
    if not views:
        console.print("No write-offs" + (f" {status}" if status else "") + ".")
        return
    table = Table(
        "id", "invoice", "reason", "amount", "effective", "status", "proposed by", "decided by", "policy"
    )
    for v in views:
        flag = " (dispute?)" if v.dispute_candidate else ""
        table.add_row(
            str(v.id), f"{v.entity}/{v.invoice}", v.reason, f"{v.currency} {v.amount}", v.effective_on,
            v.status + flag, v.proposed_by, v.decided_by or "", v.policy,
        )  # fmt: skip
    console.print(table)


@app.command("approve")
def approve_command(
    write_off_id: Annotated[int, typer.Argument(help="The write-off's id (see `writeoffs list`).")],
    by: ACTOR,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")] = None,
    as_json: JSON = False,
) -> None:
    """Post a proposed write-off: the invoice's open amount drops as of its effective day.

    JSON: the write-off, as `writeoffs list --json` prints each.
    """
    _decide(
        lambda session: write_offs.approve(session, write_off_id, actor=by, note=note),
        write_off_id,
        as_json,
        "Posted",
    )


@app.command("reject")
def reject_command(
    write_off_id: Annotated[int, typer.Argument(help="The write-off's id.")],
    note: Annotated[str, typer.Option("--note", help="Why not (required: the proposer reads it).")],
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Refuse a proposed write-off: the amount stays open, to collect or to dispute.

    JSON: the write-off, as `writeoffs list --json` prints each.
    """
    _decide(
        lambda session: write_offs.reject(session, write_off_id, actor=by, note=note),
        write_off_id,
        as_json,
        "Rejected",
    )


@app.command("reverse")
def reverse_command(
    write_off_id: Annotated[int, typer.Argument(help="The write-off's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is undone (required).")],
    by: ACTOR,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Undone from this day (default: its effective day, as if never posted)."),
    ] = None,
    as_json: JSON = False,
) -> None:
    """Undo a posted write-off; the history before the day stands (the aging as of earlier days
    still shows it settled).

    JSON: the write-off, as `writeoffs list --json` prints each.
    """
    day = parse_day(on, option="--on") if on else None
    _decide(
        lambda session: write_offs.reverse(session, write_off_id, actor=by, reason=reason, reversed_on=day),
        write_off_id,
        as_json,
        "Reversed",
    )


def write_off_invoice_command(
    number: Annotated[str, typer.Argument(help="The invoice number.")],
    reason: Annotated[str, typer.Option("--reason", help=f"Why: {REASONS}.")],
    by: ACTOR,
    amount: Annotated[
        str | None, typer.Option("--amount", help="How much, in the invoice's currency (default: all open).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day it takes effect, YYYY-MM-DD (default: today).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What a reviewer should know.")] = None,
    entity: Annotated[str | None, typer.Option("--entity", help="Entity code, when numbers repeat.")] = None,
    as_json: JSON = False,
) -> None:
    """Propose writing off an invoice (all that is open, or --amount) for a reason. Within the
    company policy it posts at once; bad debt and anything above policy wait for another person
    (`dunwell writeoffs approve ID`).

    JSON: the write-off, as `writeoffs list --json` prints each.
    """
    try:
        why = SettleReason(reason)
    except ValueError:
        fail(f"--reason must be one of {REASONS}, not {reason!r}")
    day = parse_day(on, option="--on") if on else date.today()  # noqa: DTZ011 - the operator's own day
    with user_errors():
        runtime = open_runtime()
        policy = load_policy(runtime.settings.write_off_policy)
        with transaction(runtime) as session:
            invoice = _invoice(SettlementRepository(session), number, entity)
            minor = Money.of(amount, invoice.currency).to_minor() if amount is not None else None
            request = write_offs.propose(
                session, invoice_id=invoice.id, amount_minor=minor, reason=why, effective_on=day,
                actor=by, note=note, policy=policy,
            )  # fmt: skip
            view = write_offs.view(session, request.id)
    _show(view, as_json, "Posted" if view.status == WriteOffStatus.POSTED.value else "Proposed")


def _invoice(repo: SettlementRepository, number: str, entity: str | None) -> Invoice:
    found = repo.documents_by_number(number, entity=entity)
    if not found:
        where = f" in entity {entity}" if entity else ""
        raise DunwellError(
            f"no invoice {number!r}{where}", code="invoice_not_found", kind=ErrorKind.NOT_FOUND
        )
    if len(found) > 1:
        raise DunwellError(
            f"invoice {number!r} exists in several entities: add --entity",
            code="invoice_ambiguous",
            kind=ErrorKind.INVALID,
        )
    return found[0]


def _decide(step: Callable[[Session], object], write_off_id: int, as_json: bool, verb: str) -> None:
    """Run a person's decision on a write-off in one transaction and show the result."""
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            step(session)
            view = write_offs.view(session, write_off_id)
    _show(view, as_json, verb)


def _status(status: str | None) -> WriteOffStatus | None:
    if status is None:
        return None
    try:
        return WriteOffStatus(status)
    except ValueError:
        fail(f"--status must be one of {', '.join(s.value for s in WriteOffStatus)}, not {status!r}")


def _show(view: WriteOffView, as_json: bool, verb: str) -> None:
    if as_json:
        print_json(view.to_dict())
        return
    console.print(
        f"{verb}: write-off {view.id} of {view.currency} {view.amount} on {view.entity}/{view.invoice} "
        f"({view.reason}, effective {view.effective_on}). Policy: {view.policy}.",
        highlight=False,
    )
