"""Dunning end to end through the services, on both databases: a day's plan written to the outbox
with its skips, replanning writes nothing, people approve what must be approved, the sender sends
through a real SMTP server, the guard defers or blocks with its rule, bounces are recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.collections import HoldReason, UserRole
from dunwell.core.errors import DunwellError
from dunwell.core.reminders import ReminderStatus
from dunwell.orm import AuditEntry, Customer
from dunwell.orm.collections import Hold, Touch
from dunwell.orm.customer import Contact
from dunwell.orm.reminders import Reminder, ReminderSkip
from dunwell.reminders import service
from dunwell.reminders.channels import FakeChannel, PermanentFailure, TemporaryFailure
from dunwell.worklist.repository import call_tasks
from reminders.dunning_book import DunningBook, build_dunning_book
from reminders.smtp_sink import smtp_sink

DAY = date(2026, 3, 10)  # a Tuesday
NOON_NY = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)  # 13:00 in New York, 18:00 in Berlin
OPERATOR = Principal.operator("test")
MANAGER = Principal(actor="mia", role=UserRole.MANAGER)
COLLECTOR = Principal(actor="cleo", role=UserRole.COLLECTOR, user_id=999, portfolio=frozenset({999}))


@pytest.fixture
def book(sessions: sessionmaker[Session]) -> DunningBook:
    with sessions.begin() as session:
        return build_dunning_book(session, day=DAY)


def _plan(sessions: sessionmaker[Session], day: date = DAY) -> service.PlanOutcome:
    with sessions.begin() as session:
        return service.plan_day(session, OPERATOR, Settings(), as_of=day)


def _reminders(sessions: sessionmaker[Session]) -> list[Reminder]:
    with sessions() as session:
        return list(session.scalars(select(Reminder).order_by(Reminder.id)))


def test_a_day_is_planned_once_per_customer_and_currency_with_skips_and_approvals(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    outcome = _plan(sessions)
    rows = _reminders(sessions)
    by_customer = {r.customer_id: r for r in rows}
    plain = [book.ids[f"PLAIN{n}"] for n in range(4)]
    assert set(by_customer) == {*plain, book.ids["STRATEGIC"], book.ids["BERLIN"]}
    assert all(by_customer[c].status is ReminderStatus.QUEUED for c in plain)
    strategic = by_customer[book.ids["STRATEGIC"]]
    assert strategic.status is ReminderStatus.AWAITING_APPROVAL
    assert "strategic" in {r["code"] for r in strategic.reasons}
    berlin = by_customer[book.ids["BERLIN"]]
    assert berlin.currency == "EUR"
    assert "1.250,50 €" in berlin.body.replace("\xa0", " ")  # the contact's language and locale
    assert berlin.to_address == book.emails["BERLIN"]
    with sessions() as session:
        skips = list(
            session.scalars(select(ReminderSkip).where(ReminderSkip.customer_id == book.ids["HELD"]))
        )
    assert [s.code for s in skips] == ["hold"]
    assert outcome.summary()["reminders_written"] == len(rows)
    again = _plan(sessions)
    assert again.written == []
    assert len(_reminders(sessions)) == len(rows)


def test_the_sender_sends_through_smtp_once_and_logs_a_touch(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    _plan(sessions)
    with smtp_sink() as (sink, port):
        settings = Settings(smtp_port=port, smtp_security="none", smtp_host="127.0.0.1")
        report = service.send(sessions, settings, now=NOON_NY)
        again = service.send(sessions, settings, now=NOON_NY)
    queued = [r for r in _reminders(sessions) if r.status is ReminderStatus.SENT]
    assert report.sent == len(queued) == len(sink.received) == 5  # four plain + Berlin; strategic waits
    assert again.sent == 0
    assert {m["To"] for m in sink.received} == {
        book.emails[k] for k in ("PLAIN0", "PLAIN1", "PLAIN2", "PLAIN3", "BERLIN")
    }
    assert all(m["Message-ID"] for m in sink.received)
    with sessions() as session:
        touches = list(session.scalars(select(Touch).where(Touch.outcome == "sent")))
        actions = set(session.scalars(select(AuditEntry.action)))
    assert len(touches) == 5
    assert {"reminder.planned", "reminder.sent"} <= actions


def test_a_reminder_outside_the_window_waits_for_it_with_the_rule(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    _plan(sessions)
    late = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)  # 21:00 in New York (outside), 03:00 in Berlin
    fake = FakeChannel()
    report = service.send(
        sessions, Settings(), now=late, configured={"email": fake, "letter": fake, "call": fake}
    )
    assert fake.sent == []
    assert report.deferred == 5
    rows = {r.customer_id: r for r in _reminders(sessions)}
    new_york, berlin = rows[book.ids["PLAIN0"]], rows[book.ids["BERLIN"]]
    assert new_york.status is berlin.status is ReminderStatus.QUEUED
    assert _utc(new_york.send_after) == datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # 08:00 in New York
    assert _utc(berlin.send_after) == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    with sessions() as session:
        view = service.reminder(session, OPERATOR, new_york.id)
    deferred = [e for e in view.events if e.kind.value == "deferred"]
    assert deferred[0].rule == "B2B-TIME-1"
    second = service.send(
        sessions,
        Settings(),
        now=datetime(2026, 3, 11, 12, 0, tzinfo=UTC),
        configured={"email": fake, "letter": fake, "call": fake},
    )
    assert second.sent == 5


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_a_cease_request_blocks_for_good(sessions: sessionmaker[Session], book: DunningBook) -> None:
    _plan(sessions)
    with sessions.begin() as session:
        session.add(
            Hold(
                customer_id=book.ids["PLAIN1"],
                reason=HoldReason.CEASE,
                starts_on=DAY,
                ends_on=DAY + timedelta(days=3650),
                created_by="test",
            )
        )
    fake = FakeChannel()
    service.send(sessions, Settings(), now=NOON_NY, configured={"email": fake, "letter": fake, "call": fake})
    blocked = next(r for r in _reminders(sessions) if r.customer_id == book.ids["PLAIN1"])
    assert blocked.status is ReminderStatus.BLOCKED
    assert book.emails["PLAIN1"] not in {m.to_address for m in fake.sent}


def test_retries_back_off_and_a_bounce_marks_the_contact(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    _plan(sessions)
    fake = FakeChannel(fail_with=[TemporaryFailure("451 try later"), PermanentFailure("550 no such user")])
    report = service.send(
        sessions, Settings(), now=NOON_NY, configured={"email": fake, "letter": fake, "call": fake}, limit=2
    )
    assert (report.retried, report.failed) == (1, 1)
    rows = {r.status for r in _reminders(sessions)}
    assert ReminderStatus.FAILED in rows
    with sessions() as session:
        bounced = list(session.scalars(select(Contact).where(Contact.email_undeliverable_at.is_not(None))))
    assert len(bounced) == 1
    assert "550" in (bounced[0].delivery_error or "")
    # The bounced address is no longer usable: tomorrow's plan does not write to it.
    _plan(sessions, DAY + timedelta(days=20))
    later = [
        r
        for r in _reminders(sessions)
        if r.planned_on > DAY and r.channel == "email" and r.contact_id == bounced[0].id
    ]
    assert later == []


def test_people_decide_what_waits_and_every_decision_is_audited(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    _plan(sessions)
    waiting = [r for r in _reminders(sessions) if r.status is ReminderStatus.AWAITING_APPROVAL]
    assert waiting
    first = waiting[0]
    with sessions.begin() as session, pytest.raises(DunwellError, match="only a manager"):
        service.approve(session, Principal(actor="cleo", role=UserRole.COLLECTOR), first.id)
    with sessions.begin() as session, pytest.raises(DunwellError, match="say why"):
        service.reject(session, MANAGER, first.id, reason=" ")
    with sessions.begin() as session:
        approved = service.approve(session, MANAGER, first.id, note="spoke to their CFO")
        assert approved.status is ReminderStatus.QUEUED
    with sessions.begin() as session, pytest.raises(DunwellError, match="nothing to decide"):
        service.approve(session, MANAGER, first.id)
    with sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reminder.approved")).one()
    assert entry.actor == "mia"
    assert entry.details["note"] == "spoke to their CFO"


def test_an_edit_is_rechecked_by_the_guard(sessions: sessionmaker[Session], book: DunningBook) -> None:
    _plan(sessions)
    with sessions.begin() as session:
        customer_id = book.ids["PLAIN2"]
        from dunwell.orm import Customer

        session.get(Customer, customer_id).ledger = "consumer"  # type: ignore[union-attr]
    target = next(r for r in _reminders(sessions) if r.customer_id == book.ids["PLAIN2"])
    with sessions.begin() as session, pytest.raises(DunwellError, match="RF-ELEC-1"):
        service.edit(session, MANAGER, target.id, subject="Invoices", body="Please pay.", now=NOON_NY)
    with sessions.begin() as session:
        edited, remarks = service.edit(
            session,
            MANAGER,
            target.id,
            subject="Invoices",
            now=NOON_NY,
            body="Please pay.\nReply with stop in the subject to stop these emails.",
        )
    assert remarks == []
    assert edited.body.startswith("Please pay.")


def test_an_urgent_step_puts_a_call_task_on_the_collectors_today(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    later = DAY + timedelta(days=15)  # the items are 35 days overdue: the urgent step (email and call)
    _plan(sessions, later)
    with sessions() as session:
        tasks = call_tasks(session, later, None)
        others = call_tasks(session, later, frozenset({12345}))
    assert {t.customer_id for t in tasks} >= {book.ids[f"PLAIN{n}"] for n in range(4)}
    assert {t.step for t in tasks} == {"urgent"}
    assert others == []


def test_a_letter_goes_to_the_postal_address_and_waits_without_one(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    with sessions.begin() as session:
        session.get_one(Customer, book.ids["PLAIN0"]).postal_address = "1 Main Street\nSpringfield, IL 62701"
    final_day = DAY + timedelta(days=25)  # 45 days overdue: the final demand, by letter
    _plan(sessions, final_day)
    with sessions() as session:
        letters = {
            r.customer_id: r
            for r in session.scalars(
                select(Reminder).where(Reminder.planned_on == final_day, Reminder.channel == "letter")
            )
        }
        (by_email,) = session.scalars(
            select(Reminder).where(
                Reminder.planned_on == final_day, Reminder.customer_id == book.ids["PLAIN1"]
            )
        ).all()
    letter = letters[book.ids["PLAIN0"]]
    assert letter.to_address == "1 Main Street\nSpringfield, IL 62701"
    assert letter.document["address"] == "Plain0 Ltd\n1 Main Street\nSpringfield, IL 62701"
    assert book.ids["PLAIN1"] not in letters  # no postal address: no letter into the void
    assert by_email.channel == "email"  # the step's other channel, saying why the letter is missing
    assert {
        "code": "channel_unavailable",
        "text": "no usable contact for letter (no address)",
    } in by_email.reasons
