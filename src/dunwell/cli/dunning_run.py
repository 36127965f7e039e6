"""`dunwell dunning plan --as-of D [--json]` and `dunwell dunning send [--as-of D] [--json]`: the
day's reminders written to the outbox with every skip and its reason, and the sender that delivers
what is due through the compliance guard (on SQLite inline; on PostgreSQL queued as jobs for
`dunwell worker`, which runs the same job function)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import JSON
from dunwell.cli.runtime import (
    Runtime,
    console,
    open_runtime,
    parse_day,
    print_json,
    transaction,
    user_errors,
)
from dunwell.core.access import Principal
from dunwell.reminders import service

PLANNER = "dunning-plan"


def plan_command(
    as_of: Annotated[str, typer.Option("--as-of", help="The day planned (YYYY-MM-DD).")],
    as_json: JSON = False,
) -> None:
    """Plan the day's reminders: one consolidated message per customer and currency at the highest
    step an item newly reached, written to the outbox (awaiting approval where a person must
    approve, else queued for the customer's send hour); skipped customers and items with the reason.
    Replanning the same day writes nothing new.

    JSON: {"as_of", "messages", "reminders_written", "by_status", "already_planned",
    "skipped_customers", "reminders": [{"id", "key", "customer_id", "currency", "step", "tone",
    "channel", "status", "total_minor", "send_after", "to_address", "reasons"}],
    "skips": [{"customer_id", "currency", "step", "reasons": [{"code", "text"}],
    "items": [{"item_id", "reference", "reasons"}]}]}.
    """
    day = parse_day(as_of, option="--as-of")
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            outcome = service.plan_day(session, Principal.operator(PLANNER), runtime.settings, as_of=day)
    summary = outcome.summary()
    if as_json:
        summary["reminders"] = [
            {
                "id": r.id,
                "key": r.key,
                "customer_id": r.customer_id,
                "currency": r.currency,
                "step": r.step,
                "tone": r.tone,
                "channel": r.channel,
                "status": r.status.value,
                "total_minor": r.total_minor,
                "send_after": r.send_after.isoformat(),
                "to_address": r.to_address,
                "reasons": r.reasons,
            }
            for r in outcome.written
        ]
        summary["skips"] = [
            {
                "customer_id": s.customer_id,
                "currency": s.currency,
                "step": s.step_id,
                "reasons": [r.to_dict() for r in s.reasons],
                "items": [
                    {
                        "item_id": i.item_id,
                        "reference": i.reference,
                        "reasons": [r.to_dict() for r in i.reasons],
                    }
                    for i in s.items
                ],
            }
            for s in outcome.plan.skips
        ]
        print_json(summary)
        return
    console.print(
        f"Dunning plan for {day}: {summary['messages']} messages, {summary['reminders_written']} reminders "
        f"written {dict(summary['by_status'])}, {summary['already_planned']} already planned, "
        f"{summary['skipped_customers']} customers skipped.",
        highlight=False,
    )
    codes: dict[str, int] = {}
    for skip in outcome.plan.skips:
        for reason in skip.reasons:
            codes[reason.code.value] = codes.get(reason.code.value, 0) + 1
    if codes:
        table = Table("skipped because", "customers")
        for code, count in sorted(codes.items(), key=lambda kv: -kv[1]):
            table.add_row(code.replace("_", " "), str(count))
        console.print(table)


def send_command(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Send what is due by the end of this day (default: now)."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many reminders.")] = None,
    inline: Annotated[
        bool,
        typer.Option(
            "--inline",
            help="On PostgreSQL, send here and now instead of queueing jobs for `dunwell worker` "
            "(SQLite always sends inline).",
        ),
    ] = False,
    as_json: JSON = False,
) -> None:
    """Send every queued reminder whose time has come: the compliance guard decides each one (a
    blocked one moves to its next allowed time, or is blocked for good with the rule), then its
    channel sends it. Safe to rerun after a crash: nothing goes twice. On SQLite (or with
    --inline) it sends here; on PostgreSQL it queues one job per due reminder for `dunwell worker`
    (a reminder already waiting for the worker is not queued twice), which runs the same job.

    JSON: {"mode", "queued", "already_queued", "sent", "deferred", "blocked", "retried", "failed",
    "unconfirmed", "skipped", "problems"} ("mode" is "inline" or "worker"; queued for the worker,
    the sending counts are 0: the worker reports them).
    """
    moment = None
    if as_of is not None:
        moment = datetime.combine(parse_day(as_of, option="--as-of"), time(23, 59, 59), tzinfo=UTC)
    with user_errors():
        runtime = open_runtime()
        if runtime.engine.dialect.name == "postgresql" and not inline:
            payload = _queue_for_worker(runtime, moment=moment, limit=limit)
        else:
            report = service.send(runtime.sessions, runtime.settings, now=moment, limit=limit)
            payload = {"mode": "inline", "queued": 0, "already_queued": 0, **report.as_dict()}
    if as_json:
        print_json(payload)
        return
    if payload["mode"] == "worker":
        console.print(
            "Queued {queued} reminders for `dunwell worker` ({already_queued} were waiting already); "
            "unconfirmed {unconfirmed}.".format(**payload),
            highlight=False,
        )
        return
    console.print(
        "Sent {sent}, deferred {deferred}, blocked {blocked}, retrying {retried}, failed {failed}, "
        "unconfirmed {unconfirmed}.".format(**payload),
        highlight=False,
    )


def _queue_for_worker(runtime: Runtime, *, moment: datetime | None, limit: int | None) -> dict[str, Any]:
    """PostgreSQL: one `send_reminder` job per due reminder (``jobs.ReminderJobs.dispatch``)."""
    from dunwell.cli.worker import job_queue_errors
    from dunwell.reminders.jobs import ReminderJobs, ensure_job_schema
    from dunwell.reminders.sending import SendReport

    with job_queue_errors():
        ensure_job_schema(runtime.settings.database_url)
        jobs = ReminderJobs(runtime.settings, runtime.sessions)
        with jobs.opened():
            dispatched = jobs.dispatch(at=moment, limit=limit)
    return {"mode": "worker", **SendReport().as_dict(), **dispatched.as_dict()}
