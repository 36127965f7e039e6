"""Sending on PostgreSQL as procrastinate jobs (ADR 0031): ``dunwell dunning send`` (or the worker's
own schedule) hands every due reminder over as a ``send_reminder`` job, and ``dunwell worker`` runs
them. A job runs ``sending.send_one``, the very function the inline SQLite path runs, so the outbox
keeps every guarantee it has there: the row lock and status check decide, a job for a reminder that
is no longer queued (sent, deferred, taken by another sender) does nothing, a temporary failure is
retried by the outbox's own backoff (``send_after``), never by procrastinate.

procrastinate's tables, types and functions live in their own PostgreSQL schema, ``dunwell_jobs``
(its connections set ``search_path`` to it): Dunwell's migrations, its schema comparison and the
tests' resets of the ``public`` schema never see them. ``ensure_job_schema`` creates that schema
and applies procrastinate's on first use.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from procrastinate import App, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.schema import SchemaManager
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.db import unit_of_work
from dunwell.reminders import service
from dunwell.reminders.channels import Channel
from dunwell.reminders.guarding import guard
from dunwell.reminders.repository import OutboxRepository
from dunwell.reminders.sending import SenderSettings, SendReport, hand_over_stale, send_one

#: The PostgreSQL schema procrastinate's objects live in (never ``public``, Dunwell's own).
JOB_SCHEMA = "dunwell_jobs"
QUEUE = "dunwell-reminders"
SEND_REMINDER = "dunwell.send_reminder"
DISPATCH_DUE = "dunwell.dispatch_due"
#: A long-running worker hands over what has become due (retries after their backoff, reminders
#: the guard moved to a later hour) this often, so no cron job is needed besides the daily plan.
DISPATCH_CRON = "*/5 * * * *"
#: Serialises ``ensure_job_schema`` between processes starting at the same moment.
_SCHEMA_LOCK_KEY = 0x64756E77656C6C  # "dunwell"


def uses_job_queue(database_url: str) -> bool:
    """PostgreSQL sends through the job queue; SQLite sends inline."""
    return make_url(database_url).get_backend_name() == "postgresql"


def conninfo(database_url: str) -> str:
    """The libpq connection string for a SQLAlchemy ``postgresql[+psycopg]://`` URL, its
    ``search_path`` set to the job schema."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise DunwellError(
            f"the job queue needs PostgreSQL, not {url.get_backend_name()!r}",
            code="no_job_queue",
            kind=ErrorKind.INVALID,
        )
    params: dict[str, Any] = {k: v for k, v in url.query.items() if isinstance(v, str)}
    options = " ".join(o for o in (params.pop("options", ""), f"-c search_path={JOB_SCHEMA}") if o)
    given = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
    }
    return make_conninfo("", **{k: v for k, v in given.items() if v is not None}, **params, options=options)


def ensure_job_schema(database_url: str) -> bool:
    """Create the job schema and apply procrastinate's schema in it unless its tables are there
    already; True when it was applied now. Safe to call from several processes at once."""
    with psycopg.connect(conninfo(database_url)) as connection:  # one transaction, committed on exit
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
        connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(JOB_SCHEMA)))
        found = connection.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{JOB_SCHEMA}.procrastinate_jobs",)
        ).fetchone()
        if found is not None and found[0]:
            return False
        connection.execute(SchemaManager.get_schema())
        return True


@dataclass
class DispatchReport:
    queued: int = 0
    already_queued: int = 0  # a job for the reminder is waiting already (its queueing lock)
    unconfirmed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"queued": self.queued, "already_queued": self.already_queued, "unconfirmed": self.unconfirmed}


class ReminderJobs:
    """The procrastinate app for one database, with the sender's two tasks.

    Built once per process (the worker, or ``dunwell dunning send``): the sessions, channels, guard
    and sender settings every job uses are made here, not per job."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        *,
        channels: Mapping[str, Channel] | None = None,
        periodic: bool = False,
    ) -> None:
        self.sessions = sessions
        self.channels = dict(channels) if channels is not None else service.channels(settings)
        self.sender = SenderSettings(
            max_attempts=settings.dunning_max_attempts,
            retry_base=timedelta(minutes=settings.dunning_retry_base_minutes),
        )
        #: What the jobs this process ran did, added up (the worker's summary).
        self.totals = SendReport()
        self.jobs_run = 0
        self._lock = threading.Lock()
        self.app = App(
            connector=PsycopgConnector(conninfo=conninfo(settings.database_url), min_size=1, max_size=4)
        )
        # No procrastinate retries: a temporary failure goes back to the outbox with a backoff.
        self.app.task(name=SEND_REMINDER, queue=QUEUE)(self.send_reminder)
        dispatch = self.app.task(name=DISPATCH_DUE, queue=QUEUE)(self.dispatch_due)
        if periodic:
            self.app.periodic(cron=DISPATCH_CRON, periodic_id="dispatch", queueing_lock="dispatch-due")(
                dispatch
            )

    # -- the tasks ---------------------------------------------------------------------------

    def send_reminder(self, reminder_id: int, at: str | None = None) -> dict[str, Any]:
        """Send one reminder (``sending.send_one``); ``at`` is the moment the sender acts at (ISO),
        default now. A reminder no longer queued is skipped: the job does nothing."""
        report = SendReport()
        send_one(
            self.sessions,
            reminder_id,
            channels=self.channels,
            guard=guard,
            now=_clock(at),
            settings=self.sender,
            report=report,
        )
        self._add(report)
        return report.as_dict()

    def dispatch_due(self, timestamp: int = 0, at: str | None = None) -> dict[str, int]:
        """Hand stale ``sending`` rows to a person, then queue a ``send_reminder`` job for every due
        reminder (``timestamp`` is what procrastinate passes a periodic task; unused)."""
        del timestamp
        report = self.dispatch(at=datetime.fromisoformat(at) if at else None)
        with self._lock:
            self.totals.unconfirmed += report.unconfirmed
        return report.as_dict()

    # -- used by the edges --------------------------------------------------------------------

    def dispatch(self, *, at: datetime | None = None, limit: int | None = None) -> DispatchReport:
        """``dispatch_due`` for a caller that has opened the app (``opened()``) or runs in the worker."""
        now = _clock(at.isoformat() if at else None)
        report = DispatchReport()
        with unit_of_work(self.sessions) as session:
            report.unconfirmed = hand_over_stale(session, now() - self.sender.lease)
        with unit_of_work(self.sessions) as session:
            due = OutboxRepository(session).due_ids(now(), limit=limit)
        for reminder_id in due:
            deferrer = self.app.configure_task(
                SEND_REMINDER, allow_unknown=False, queueing_lock=f"reminder-{reminder_id}"
            )
            try:
                deferrer.defer(reminder_id=reminder_id, at=at.isoformat() if at else None)
            except AlreadyEnqueued:
                report.already_queued += 1
            else:
                report.queued += 1
        return report

    @contextmanager
    def opened(self) -> Iterator[ReminderJobs]:
        """The app open for deferring from ordinary (synchronous) code."""
        self.app.open()
        try:
            yield self
        finally:
            self.app.close()

    def work(self, *, once: bool, install_signal_handlers: bool = True) -> SendReport:
        """Run the worker on the reminders' queue: until stopped (SIGINT/SIGTERM finish the job at
        hand), or with ``once`` until nothing is queued. Returns what the jobs did."""

        def run(signals: bool) -> None:
            self.app.run_worker(
                queues=[QUEUE],
                wait=not once,
                concurrency=1,  # the channels are synchronous: one send at a time per worker process
                delete_jobs="successful",
                install_signal_handlers=signals,
                name="dunwell-worker",
            )

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            run(install_signal_handlers)
            return self.totals
        # Called where an event loop already runs in this thread (an async caller; a test beside
        # Playwright's sync API): the worker's own loop needs a thread of its own, and signal
        # handlers belong to the main thread only.
        failure: list[BaseException] = []

        def in_thread() -> None:
            try:
                run(False)
            except BaseException as error:
                failure.append(error)

        thread = threading.Thread(target=in_thread, name="dunwell-worker")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]
        return self.totals

    def _add(self, report: SendReport) -> None:
        with self._lock:
            self.jobs_run += 1
            for name in ("sent", "deferred", "blocked", "retried", "failed", "unconfirmed", "skipped"):
                setattr(self.totals, name, getattr(self.totals, name) + getattr(report, name))
            self.totals.problems.extend(report.problems)


def _clock(at: str | None) -> Callable[[], datetime]:
    if at is None:
        return lambda: datetime.now(UTC)
    moment = datetime.fromisoformat(at)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return lambda: moment
