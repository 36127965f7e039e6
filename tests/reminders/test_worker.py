"""The PostgreSQL sender as procrastinate jobs (ADR 0031): a day's due reminders are queued once per
reminder (its queueing lock), the worker sends each through a real SMTP server on loopback exactly
once and marks it sent, a job for a reminder that is no longer queued does nothing, and a worker
killed mid-batch (SIGKILL) and run again sends nothing twice and loses nothing.

PostgreSQL only: on SQLite there is no job queue (`dunwell dunning send` sends inline, tested in
test_planning_and_sending.py and test_sender_killed.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.reminders import ReminderStatus
from dunwell.kit.db import unit_of_work
from dunwell.orm.reminders import Reminder
from dunwell.reminders import service
from dunwell.reminders.jobs import (
    DISPATCH_DUE,
    JOB_SCHEMA,
    SEND_REMINDER,
    ReminderJobs,
    conninfo,
    ensure_job_schema,
)
from dunwell.reminders.sending import hand_over_stale
from reminders.dunning_book import build_dunning_book
from reminders.smtp_sink import smtp_sink

DAY = date(2026, 3, 10)  # a Tuesday
NOON_NY = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)  # 13:00 in New York, 18:00 in Berlin


@pytest.fixture
def postgres_url(database_url: str) -> str:
    """The PostgreSQL database, its job schema applied and its job tables empty (the reminders'
    ids start again at 1 in every test: a job left by another test must not hold their locks)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the job queue runs on PostgreSQL only; SQLite sends inline (`dunwell dunning send`)")
    ensure_job_schema(database_url)
    with psycopg.connect(conninfo(database_url)) as connection:
        connection.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
            "procrastinate_workers RESTART IDENTITY CASCADE"
        )
    return database_url


def _jobs(url: str) -> dict[str, int]:
    with psycopg.connect(conninfo(url)) as connection:
        rows = connection.execute("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY 1")
        return dict(rows.fetchall())


def _statuses(sessions: sessionmaker[Session]) -> dict[str, ReminderStatus]:
    with sessions() as session:
        return {r.to_address or r.key: r.status for r in session.scalars(select(Reminder))}


def _plan(sessions: sessionmaker[Session], customers: int) -> tuple[object, set[str]]:
    with sessions.begin() as session:
        book = build_dunning_book(session, day=DAY, customers=customers)
    with sessions.begin() as session:
        service.plan_day(session, Principal.operator("test"), Settings(), as_of=DAY)
    queued = {a for a, s in _statuses(sessions).items() if s is ReminderStatus.QUEUED}
    assert len(queued) == customers + 1  # the plain customers and Berlin; strategic waits, held skips
    return book, queued


@pytest.mark.postgres
def test_the_job_schema_is_its_own_and_applied_once(postgres_url: str) -> None:
    assert ensure_job_schema(postgres_url) is False  # already there
    with psycopg.connect(conninfo(postgres_url)) as connection:
        schemas = {
            row[0]
            for row in connection.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name LIKE 'procrastinate%'"
            )
        }
    assert schemas == {JOB_SCHEMA}  # never in public, Dunwell's own (its migrations compare that one)


@pytest.mark.postgres
def test_due_reminders_are_queued_once_and_the_worker_sends_each_once(
    postgres_url: str, sessions: sessionmaker[Session]
) -> None:
    _book, queued = _plan(sessions, customers=4)
    with smtp_sink() as (sink, port):
        settings = Settings(
            database_url=postgres_url, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none"
        )
        jobs = ReminderJobs(settings, sessions)
        with jobs.opened():
            first = jobs.dispatch(at=NOON_NY)
            second = jobs.dispatch(at=NOON_NY)
        assert (first.queued, first.already_queued) == (len(queued), 0)
        assert (second.queued, second.already_queued) == (0, len(queued))  # the queueing locks
        assert _jobs(postgres_url) == {"todo": len(queued)}
        totals = jobs.work(once=True, install_signal_handlers=False)
        assert totals.sent == jobs.jobs_run == len(queued)
        ids = [str(m["Message-ID"]) for m in sink.received]
        assert len(set(ids)) == len(ids) == len(queued), "a reminder went out twice, or not at all"
        assert sorted(str(m["To"]) for m in sink.received) == sorted(queued)
        statuses = _statuses(sessions)
        assert all(statuses[a] is ReminderStatus.SENT for a in queued)
        assert _jobs(postgres_url) == {}  # successful jobs are deleted; the outbox is the record
        # Nothing is due any more, and a job for a reminder already sent (a late duplicate, a
        # second dispatcher) does nothing.
        with jobs.opened():
            assert jobs.dispatch(at=NOON_NY).queued == 0
            with sessions() as session:
                sent_id = session.scalars(select(Reminder.id).where(Reminder.status == "sent")).first()
            jobs.app.configure_task(SEND_REMINDER).defer(reminder_id=sent_id, at=NOON_NY.isoformat())
        again = jobs.work(once=True, install_signal_handlers=False)
        assert again.skipped == 1
        assert len(sink.received) == len(queued)


@pytest.mark.postgres
def test_a_dispatch_job_run_by_the_worker_queues_the_sends_it_then_runs(
    postgres_url: str, sessions: sessionmaker[Session]
) -> None:
    _book, queued = _plan(sessions, customers=2)
    with smtp_sink() as (sink, port):
        settings = Settings(
            database_url=postgres_url, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none"
        )
        jobs = ReminderJobs(settings, sessions, periodic=True)  # as `dunwell worker` without --once
        with jobs.opened():
            jobs.app.configure_task(DISPATCH_DUE).defer(at=NOON_NY.isoformat())
        totals = jobs.work(once=True, install_signal_handlers=False)
    assert jobs.jobs_run == len(queued)  # the sends; the dispatch job is not a send
    assert totals.sent == len(sink.received) == len(queued)
    assert all(_statuses(sessions)[a] is ReminderStatus.SENT for a in queued)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dunwell.cli.app import main; main()", *args]


@pytest.mark.postgres
@pytest.mark.slow
def test_a_killed_worker_run_again_sends_nothing_twice_and_loses_nothing(
    postgres_url: str, sessions: sessionmaker[Session]
) -> None:
    customers = 10
    book, queued = _plan(sessions, customers=customers)
    with smtp_sink(delay=0.4) as (sink, port):
        env = {
            **os.environ,
            "DUNWELL_DATABASE_URL": postgres_url,
            "DUNWELL_SMTP_HOST": "127.0.0.1",
            "DUNWELL_SMTP_PORT": str(port),
            "DUNWELL_SMTP_SECURITY": "none",
        }
        send = subprocess.run(
            _cli("dunning", "send", "--as-of", DAY.isoformat(), "--json"),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert send.returncode == 0, send.stderr
        dispatched = json.loads(send.stdout)
        assert (dispatched["mode"], dispatched["queued"], dispatched["sent"]) == ("worker", len(queued), 0)
        child = subprocess.Popen(
            _cli("worker", "--once"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while len(sink.received) < 4 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert 4 <= len(sink.received) < len(queued), "the kill must land mid-batch"
        after_kill = len(sink.received)
        again = subprocess.run(
            _cli("worker", "--once", "--json"), env=env, capture_output=True, text=True, timeout=300
        )
        assert again.returncode == 0, again.stderr
        summary = json.loads(again.stdout)
    delivered = [str(m["To"]) for m in sink.received]
    ids = [str(m["Message-ID"]) for m in sink.received]
    assert len(set(ids)) == len(ids), "a reminder went out twice"
    statuses = _statuses(sessions)
    # As inline (test_sender_killed.py): at 23:59 UTC Berlin is past 21:00, so the guard moved its
    # reminder to the morning; every other one was delivered, once.
    waiting_for_morning = {a for a in queued if statuses[a] is ReminderStatus.QUEUED}
    assert waiting_for_morning == {book.emails["BERLIN"]}  # type: ignore[attr-defined]
    assert sorted(delivered) == sorted(queued - waiting_for_morning), "a reminder was lost"
    assert summary["sent"] == len(delivered) - after_kill > 0
    in_flight = [a for a in queued if statuses[a] is ReminderStatus.SENDING]
    assert len(in_flight) <= 1  # the one cut off mid-send: its job is not run again
    with unit_of_work(sessions) as session:
        handed = hand_over_stale(session, datetime.now(UTC) + timedelta(seconds=1))
    assert handed == len(in_flight)


def test_the_worker_command_explains_sqlite_sends_inline(tmp_path: Path) -> None:
    result = subprocess.run(
        _cli("worker", "--once", "--json"),
        env={**os.environ, "DUNWELL_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "no_worker_on_sqlite"
    assert "dunwell dunning send" in error["message"]
    assert not (tmp_path / "none.db").exists()  # nothing created for a command that cannot run
