"""A sender killed mid-batch (SIGKILL, no cleanup) and run again sends nothing twice and loses
nothing: the real CLI in a child process, a real SMTP server on loopback that is slow to answer,
both databases. The message whose send was cut off is the one case nobody can know (the server
took it, the sender never heard back): it is not sent again but handed to a person."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.reminders import ReminderStatus
from dunwell.kit.db import unit_of_work
from dunwell.orm.reminders import Reminder
from dunwell.reminders import service
from dunwell.reminders.sending import hand_over_stale
from reminders.dunning_book import build_dunning_book
from reminders.smtp_sink import smtp_sink

DAY = date(2026, 3, 10)
CUSTOMERS = 10


def _send(url: str, port: int) -> list[str]:
    del url, port
    script = "from dunwell.cli.app import main; main()"
    # --inline: on PostgreSQL too (the worker's variant is tests/reminders/test_worker.py).
    return [sys.executable, "-c", script, "dunning", "send", "--inline", "--as-of", DAY.isoformat()]


def _statuses(sessions: sessionmaker[Session]) -> dict[str, ReminderStatus]:
    with sessions() as session:
        return {r.to_address or r.key: r.status for r in session.scalars(select(Reminder))}


def test_a_killed_sender_run_again_sends_nothing_twice_and_loses_nothing(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        book = build_dunning_book(session, day=DAY, customers=CUSTOMERS)
    with sessions.begin() as session:
        service.plan_day(session, Principal.operator("test"), Settings(), as_of=DAY)
    queued = {a for a, s in _statuses(sessions).items() if s is ReminderStatus.QUEUED}
    assert len(queued) == CUSTOMERS + 1  # the plain customers and Berlin
    with smtp_sink(delay=0.4) as (sink, port):
        env = {
            **os.environ,
            "DUNWELL_DATABASE_URL": database_url,
            "DUNWELL_SMTP_HOST": "127.0.0.1",
            "DUNWELL_SMTP_PORT": str(port),
            "DUNWELL_SMTP_SECURITY": "none",
        }
        child = subprocess.Popen(
            _send(database_url, port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 120
        while len(sink.received) < 4 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert 4 <= len(sink.received) < len(queued), "the kill must land mid-batch"
        after_kill = len(sink.received)
        again = subprocess.run(
            _send(database_url, port), env=env, capture_output=True, text=True, timeout=300
        )
        assert again.returncode == 0, again.stderr
    delivered = [str(m["To"]) for m in sink.received]
    ids = [str(m["Message-ID"]) for m in sink.received]
    assert len(set(ids)) == len(ids), "a reminder went out twice"
    statuses = _statuses(sessions)
    # Berlin's reminder is due at 09:00 there, but the run's moment (23:59 UTC) is after 21:00 in
    # Berlin: the guard moved it to the morning. Every other one was delivered, once.
    waiting_for_morning = {a for a in queued if statuses[a] is ReminderStatus.QUEUED}
    assert waiting_for_morning == {book.emails["BERLIN"]}
    assert sorted(delivered) == sorted(queued - waiting_for_morning), "a reminder was lost"
    assert len(delivered) > after_kill
    in_flight = [a for a in queued if statuses[a] is ReminderStatus.SENDING]
    assert len(in_flight) <= 1  # the one cut off mid-send, never sent again
    assert all(
        statuses[a] in {ReminderStatus.SENT, ReminderStatus.SENDING} for a in queued - waiting_for_morning
    )
    # Once its lease is over it waits for a person, who sees it with the approvals.
    with unit_of_work(sessions) as session:
        handed = hand_over_stale(session, datetime.now().astimezone() + timedelta(seconds=1))
    assert handed == len(in_flight)
    with sessions() as session:
        waiting = service.waiting(session, Principal.operator("test"))
    assert {r.to_address for r in waiting if r.status is ReminderStatus.UNCONFIRMED} == set(in_flight)
