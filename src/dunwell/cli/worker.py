"""`dunwell worker [--once] [--json]`: the PostgreSQL job worker that sends reminders (ADR 0031).
On SQLite there is no worker: `dunwell dunning send` sends inline, with the same job function."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from dunwell.cli.options import JSON
from dunwell.cli.runtime import EXIT_USAGE, console, fail, open_runtime, print_json, user_errors
from dunwell.config import get_settings


@contextmanager
def job_queue_errors() -> Iterator[None]:
    """A job database that cannot be reached is one clear line, as for Dunwell's own tables."""
    import psycopg
    from procrastinate.exceptions import ConnectorException

    try:
        yield
    except (ConnectorException, psycopg.OperationalError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        fail(f"job queue database error: {first}", code=1, error_code="database_error", kind="failure")


def worker_command(
    once: Annotated[
        bool,
        typer.Option("--once", help="Run what is queued now, then stop (for cron or a test)."),
    ] = False,
    as_json: JSON = False,
) -> None:
    """Run the job worker that sends reminders on PostgreSQL: every `send_reminder` job queued by
    `dunwell dunning send` goes through the compliance guard and its channel, once. Without --once
    it runs until stopped (Ctrl-C or SIGTERM finish the reminder at hand) and every 5 minutes
    queues what has become due itself (retries after their backoff, reminders moved to a later
    hour). On SQLite there is no worker: `dunwell dunning send` sends inline.

    JSON: {"once", "jobs", "sent", "deferred", "blocked", "retried", "failed", "unconfirmed",
    "skipped", "problems"} (when the worker stops).
    """
    from dunwell.reminders.jobs import ReminderJobs, ensure_job_schema, uses_job_queue

    settings = get_settings()
    with user_errors():
        postgres = uses_job_queue(settings.database_url)
    if not postgres:
        fail(
            "there is no worker on SQLite: reminders are sent inline by `dunwell dunning send` "
            "(the worker needs DUNWELL_DATABASE_URL=postgresql+psycopg://...)",
            code=EXIT_USAGE,
            error_code="no_worker_on_sqlite",
        )
    handler = logging.StreamHandler()  # stderr: stdout stays the summary (or its JSON)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    jobs_log = logging.getLogger("procrastinate")
    jobs_log.addHandler(handler)
    jobs_log.setLevel(logging.WARNING if as_json else logging.INFO)
    with user_errors(), job_queue_errors():
        runtime = open_runtime()
        ensure_job_schema(runtime.settings.database_url)
        jobs = ReminderJobs(runtime.settings, runtime.sessions, periodic=not once)
        if not as_json:
            console.print(
                "Worker sending reminders" + (" queued now." if once else " until stopped (Ctrl-C)."),
                highlight=False,
            )
        totals = jobs.work(once=once)
        runtime.engine.dispose()
    summary = {"once": once, "jobs": jobs.jobs_run, **totals.as_dict()}
    if as_json:
        print_json(summary)
        return
    console.print(
        "Worker stopped after {jobs} jobs: sent {sent}, deferred {deferred}, blocked {blocked}, "
        "retrying {retried}, failed {failed}, unconfirmed {unconfirmed}, "
        "skipped {skipped}.".format(**summary),
        highlight=False,
    )
