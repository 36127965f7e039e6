"""`dunwell cashapp import|run|review|confirm|reject|export`: cash application on the database.

``register`` adds these to the ``cashapp`` group that ``cli/cashapp.py`` defines (which imports
this module, not the other way round); ``stored_rows`` is what ``cashapp evaluate`` reads when it
is given no matches. ``import``, ``run``, ``confirm`` and ``reject`` write (and take ``--by``);
``review`` and ``export`` only read the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cashapp.exporting import stored_match_rows
from dunwell.cashapp.files import write_matches
from dunwell.cashapp.service import confirm, import_statement, reject, review_queue, run_matching
from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.progress import progress_bar
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
from dunwell.core.money import Money
from dunwell.matching.evaluate import MatchRow
from dunwell.matching.tolerances import Tolerances
from dunwell.settlements.policy import load_policy

CANDIDATE = Annotated[int, typer.Option("--candidate", min=0, help="Which candidate (0: the best).")]


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("run")(run_command)
    app.command("review")(review_command)
    app.command("confirm")(confirm_command)
    app.command("reject")(reject_command)
    app.command("export")(export_command)


def import_command(
    statement: Annotated[Path, typer.Argument(help="A bank statement file (camt, BAI2, MT940, OFX, CSV).")],
    entity: Annotated[
        str | None, typer.Option("--entity", help="The entity the account belongs to (first import).")
    ] = None,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Store a statement's credits as unapplied payments; a statement already imported changes nothing.

    JSON: {"file", "format", "sha256", "statements_new", "statements_skipped", "statements_amended",
    "payments_created", "payments_present", "debits", "reversals", "statements", "problems"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            result = import_statement(session, statement, entity_code=entity, actor=by)
    payload = result.to_dict()
    if as_json:
        print_json(payload)
        return
    table = Table(
        "statement", "account", "entity", "status", "credits", "new", "known", "debits", "reversals"
    )
    for s in payload["statements"]:
        counts = ("credits", "payments_created", "payments_present", "debits", "reversals")
        status = s["status"].replace("_", " ")
        table.add_row(
            s["statement_id"] or "-", s["account"], s["entity"], status, *(str(s[c]) for c in counts)
        )
    console.print(table)
    console.print(
        f"{payload['format']}: {payload['statements_new']} statement(s) imported, "
        f"{payload['statements_skipped']} already imported, {payload['statements_amended']} amended; "
        f"{payload['payments_created']} new payment(s), "
        f"{payload['payments_present']} already known; {payload['debits']} debit(s) not imported.",
        highlight=False,
    )
    for problem in payload["problems"]:
        line = f" (line {problem['line']})" if problem["line"] else ""
        console.print(f"[yellow]{problem['code']}[/yellow]{line}: {problem['message']}", highlight=False)


def run_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Match cash received by this day (default today).")
    ] = None,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Match the database's unapplied bank cash received by --as-of; apply what is certain, queue
    the rest for review. How short of its items a payment may be comes from
    DUNWELL_CASHAPP_WRITE_OFF_LIMITS; what that leaves open is written off within the company's
    policy (DUNWELL_WRITE_OFF_POLICY), else it waits in `dunwell writeoffs list`. (For files
    alone, see `cashapp match`.)

    JSON: {"run_id", "as_of", "payments", "auto", "suggested", "unmatched", "held_by_people",
    "written_off", "write_offs_waiting", "applied_minor"}.
    """
    day = parse_day(as_of, option="--as-of") if as_of else datetime.now(UTC).date()
    with user_errors(), progress_bar(f"matching the unapplied cash as of {day}", quiet=as_json) as bar:
        runtime = open_runtime()
        with transaction(runtime) as session:
            tolerances = Tolerances(runtime.settings.cashapp_write_off_limits)
            policy = load_policy(runtime.settings.write_off_policy)
            summary = run_matching(
                session, as_of=day, actor=by, tolerances=tolerances, policy=policy, progress=bar
            )
    payload = summary.to_dict()
    if as_json:
        print_json(payload)
        return
    applied = (
        ", ".join(str(Money.from_minor(m, c)) for c, m in sorted(summary.applied_minor.items())) or "nothing"
    )
    console.print(
        f"Run {summary.run_id} as of {day}: {payload['payments']} payment(s): {payload['auto']} applied "
        f"({applied}), {payload['suggested']} suggested, {payload['unmatched']} unmatched; "
        f"{payload['held_by_people']} left alone (a person allocated part); "
        f"{payload['written_off']} short payment(s) settled within the write-off policy, "
        f"{payload['write_offs_waiting']} waiting for approval.",
        highlight=False,
    )
    if payload["suggested"] or payload["unmatched"]:
        console.print("Review them with `dunwell cashapp review`.")


def review_command(
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many payments.")] = 50,
    as_json: JSON = False,
) -> None:
    """Payments waiting for a person, newest first, with the best candidates and their evidence
    (reads only).

    JSON: {"count", "items"}; each item {"match_id", "payment_id", "value_date", "currency",
    "amount_minor", "unapplied_minor", "payer_name", "payer_account", "remittance", "status",
    "confidence", "reason", "candidates", "rejected_before"}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            items = [item.to_dict() for item in review_queue(session, limit=limit)]
    if as_json:
        print_json({"count": len(items), "items": items})
        return
    if not items:
        console.print("Nothing to review.")
        return
    table = Table("match", "date", "amount", "payer", "status", "candidates (confidence)", "reason")
    for item in items:
        candidates = [_candidate_line(i, c, item["currency"]) for i, c in enumerate(item["candidates"])]
        table.add_row(
            str(item["match_id"]),
            item["value_date"],
            str(Money.from_minor(item["unapplied_minor"], item["currency"])),
            item["payer_name"] or "-",
            item["status"],
            "\n".join(candidates) or "-",
            item["reason"] or "-",
        )
    console.print(table)
    console.print("Confirm with `dunwell cashapp confirm ID [--candidate N]`, or `reject ID --reason TEXT`.")


def export_command(
    out: Annotated[Path, typer.Option("--out", help="MATCHES.csv to write.")],
    since: Annotated[str | None, typer.Option("--from", help="Cash received on or after this day.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Cash received on or before this day.")] = None,
    as_json: JSON = False,
) -> None:
    """Write the runs' matches as MATCHES.csv (the engine's answer, ranked; for `cashapp evaluate`);
    reads the database only.

    JSON: {"payments", "rows", "out"}.
    """
    first = parse_day(since, option="--from") if since else None
    last = parse_day(until, option="--to") if until else None
    rows = stored_rows(since=first, until=last)
    with user_errors():
        try:
            write_matches(out, rows)
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
    payload = {"payments": len({r.payment_ref for r in rows}), "rows": len(rows), "out": str(out)}
    if as_json:
        print_json(payload)
        return
    console.print(f"{payload['payments']} payment(s), {payload['rows']} row(s) written to {out}")


def stored_rows(*, since: date | None = None, until: date | None = None) -> list[MatchRow]:
    """The MATCHES rows of the database's stored matches (``cashapp export`` and ``evaluate``)."""
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            return stored_match_rows(session, since=since, until=until)


def confirm_command(
    match_id: Annotated[int, typer.Argument(help="The match (see `cashapp review`).")],
    candidate: CANDIDATE = 0,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Apply a candidate and remember the payer's name and account for its customer.

    What the cash leaves open for a reason the matcher found (a fee, a discount, a stated deduction)
    is proposed for write-off: posted within the policy (DUNWELL_WRITE_OFF_POLICY), else it waits
    in `dunwell writeoffs list`.

    JSON: {"match_id", "payment_id", "decision", "candidate", "allocation_ids", "learned",
    "write_off_ids"}.
    """
    with user_errors():
        runtime = open_runtime()
        policy = load_policy(runtime.settings.write_off_policy)
        with transaction(runtime) as session:
            decision = confirm(session, match_id, candidate=candidate, actor=by, policy=policy)
    payload = decision.to_dict()
    if as_json:
        print_json(payload)
        return
    chosen = payload["candidate"]
    learned = ", ".join(payload["learned"]) or "nothing new"
    console.print(
        f"Match {match_id} confirmed: {_documents(chosen)} of {chosen['name'] or chosen['customer']}; "
        f"{len(payload['allocation_ids'])} allocation(s). Learned: {learned}.",
        highlight=False,
    )


def reject_command(
    match_id: Annotated[int, typer.Argument(help="The match (see `cashapp review`).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is wrong.")] = None,
    candidate: CANDIDATE = 0,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Never propose this candidate's documents for this payment again (an automatic match is undone).

    JSON: {"match_id", "payment_id", "decision", "candidate", "allocation_ids", "learned",
    "write_off_ids"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            decision = reject(session, match_id, actor=by, reason=reason, candidate=candidate)
    payload = decision.to_dict()
    if as_json:
        print_json(payload)
        return
    console.print(
        f"Match {match_id} rejected: {_documents(payload['candidate'])} will not be proposed "
        "for this payment again.",
        highlight=False,
    )


def _candidate_line(index: int, candidate: dict[str, Any], currency: str) -> str:
    who = candidate["name"] or candidate["customer"]
    extra = ""
    if candidate["write_off_minor"]:
        extra = f", write off {Money.from_minor(candidate['write_off_minor'], currency)}"
    return f"{index}: {who}: {_documents(candidate)} ({_percent(candidate['confidence'])}{extra})"


def _percent(confidence: float) -> str:
    """Whole percent, but with the decimals that separate 99.3 % from the 99.9 % automation needs."""
    return f"{confidence:.0%}" if confidence < 0.99 else f"{confidence:.2%}"


def _documents(candidate: dict[str, Any]) -> str:
    return ", ".join(a["number"] for a in candidate["allocations"]) or "on account"
