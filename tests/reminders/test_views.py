"""The Dunning and Approvals pages, a reminder's preview and PDF, the manager's decisions and the
customer page's reminders section, on both databases: collectors see their portfolio only and read,
managers decide, every decision is audited with its author."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.reminders import Ledger, ReminderStatus
from dunwell.orm import AuditEntry, Customer
from dunwell.orm.reminders import Reminder
from reminders.approvals_book import ApprovalsBook, build_approvals_book
from reminders.smtp_sink import smtp_sink
from web.conftest import People, people, signed_in

__all__ = ["people", "signed_in"]  # fixtures shared with tests/web

SignIn = Callable[[str], TestClient]


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> ApprovalsBook:
    with sessions.begin() as session:
        return build_approvals_book(
            session, collector=people.collector, other_collector=people.other_collector
        )


def _reminder(sessions: sessionmaker[Session], reminder_id: int) -> Reminder:
    with sessions() as session:
        found = session.get(Reminder, reminder_id)
        assert found is not None
        return found


def _audit(sessions: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_collector_sees_her_portfolio_only_and_no_buttons(
    signed_in: SignIn, people: People, book: ApprovalsBook
) -> None:
    cleo = signed_in(people.collector)
    day = cleo.get("/dunning")
    assert day.status_code == 200, day.text
    assert "Plain0 Ltd" in day.text
    assert "Strategic Ltd" in day.text
    assert "Plain1 Ltd" not in day.text
    assert "Berlin Ltd" not in day.text
    assert 'data-skip="hold"' in day.text
    assert f'<a href="/customers/{book.customers["HELD"]}">Held Ltd</a>' in day.text
    assert 'action="/dunning/plan"' not in day.text
    assert 'action="/dunning/send"' not in day.text
    approvals = cleo.get("/approvals")
    assert 'data-why="strategic"' in approvals.text
    assert "Berlin Ltd" not in approvals.text
    preview = cleo.get(f"/reminders/{book.reminders['STRATEGIC']}")
    assert preview.status_code == 200
    assert 'action="/reminders/' not in preview.text  # read only
    ottos = book.reminders["BERLIN"]
    for path in (f"/reminders/{ottos}", f"/reminders/{ottos}/document.pdf", "/customers/{}/reminders"):
        assert cleo.get(path.format(book.customers["BERLIN"])).status_code == 404


def test_a_collector_cannot_approve_and_a_viewer_only_reads(
    signed_in: SignIn, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    waiting = book.reminders["STRATEGIC"]
    refused = signed_in(people.collector).post(f"/reminders/{waiting}/approve", data={"note": "fine"})
    assert refused.status_code == 403
    vic = signed_in(people.viewer)
    assert 'action="/reminders/' not in vic.get(f"/reminders/{waiting}").text
    assert vic.post(f"/reminders/{waiting}/approve").status_code == 403
    assert _reminder(sessions, waiting).status is ReminderStatus.AWAITING_APPROVAL


def test_a_manager_previews_and_approves_and_the_audit_log_names_her(
    signed_in: SignIn, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    max_ = signed_in(people.manager)
    waiting = book.reminders["STRATEGIC"]
    assert "Berlin Ltd" in max_.get("/dunning").text  # no portfolio: every customer
    assert 'data-why="strategic"' in max_.get("/approvals").text
    preview = max_.get(f"/reminders/{waiting}")
    assert "ap@strategic.example" in preview.text
    assert re.search(r"<pre data-field=\"body\">Dear Sir or Madam,", preview.text)
    assert f'href="/reminders/{waiting}/document.pdf"' in preview.text
    done = max_.post(f"/reminders/{waiting}/approve", data={"note": "known customer"}, follow_redirects=False)
    assert done.status_code == 303
    assert 'data-status="queued"' in max_.get(done.headers["location"]).text
    assert _reminder(sessions, waiting).status is ReminderStatus.QUEUED
    (entry,) = _audit(sessions, "reminder.approved")
    assert entry.actor == people.manager
    assert entry.subject_id == str(waiting)
    assert entry.details["note"] == "known customer"


def test_a_rejection_needs_a_reason(
    signed_in: SignIn, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    max_ = signed_in(people.manager)
    waiting = book.reminders["STRATEGIC"]
    for empty in ("", "   "):
        refused = max_.post(f"/reminders/{waiting}/reject", data={"reason": empty})
        assert refused.status_code == 400
        assert "say why it is rejected" in refused.text
    assert _reminder(sessions, waiting).status is ReminderStatus.AWAITING_APPROVAL
    done = max_.post(f"/reminders/{waiting}/reject", data={"reason": "in talks"}, follow_redirects=False)
    assert done.status_code == 303
    assert _reminder(sessions, waiting).status is ReminderStatus.REJECTED
    assert _audit(sessions, "reminder.rejected")[0].actor == people.manager


def test_an_edit_the_guard_would_never_send_is_refused_and_nothing_of_it_kept(
    signed_in: SignIn, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        customer = session.get(Customer, book.customers["STRATEGIC"])
        assert customer is not None
        customer.ledger = Ledger.CONSUMER  # email to a consumer must carry the opt-out notice
    max_ = signed_in(people.manager)
    waiting = book.reminders["STRATEGIC"]
    before = _reminder(sessions, waiting)
    refused = max_.post(f"/reminders/{waiting}/edit", data={"subject": "Pay now", "body": "Pay now."})
    assert refused.status_code == 400
    assert "the guard would never send this message" in refused.text
    assert "RF-ELEC-1" in refused.text
    assert ">Pay now.</textarea>" in refused.text  # what was typed is kept in the form
    after = _reminder(sessions, waiting)
    assert (after.subject, after.body) == (before.subject, before.body)
    assert _audit(sessions, "reminder.edited") == []
    body = "Pay now, please.\n\nReply stop to stop these reminders."
    saved = max_.post(f"/reminders/{waiting}/edit", data={"subject": "Pay now", "body": body})
    assert saved.status_code == 200, saved.text  # followed to the preview
    assert "Saved. The guard:" in saved.text
    assert "Pay now, please." in saved.text
    assert _reminder(sessions, waiting).body == body
    assert _audit(sessions, "reminder.edited")[0].actor == people.manager


def test_the_statement_is_a_pdf(signed_in: SignIn, people: People, book: ApprovalsBook) -> None:
    answer = signed_in(people.collector).get(f"/reminders/{book.reminders['STRATEGIC']}/document.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


def test_the_customer_page_loads_its_reminders_and_skips(
    signed_in: SignIn, people: People, book: ApprovalsBook
) -> None:
    cleo = signed_in(people.collector)
    strategic, held = book.customers["STRATEGIC"], book.customers["HELD"]
    page = cleo.get(f"/customers/{strategic}")
    assert f'hx-get="/customers/{strategic}/reminders"' in page.text
    section = cleo.get(f"/customers/{strategic}/reminders", headers={"HX-Request": "true"})
    assert section.status_code == 200
    assert "<html" not in section.text
    assert 'data-status="awaiting_approval"' in section.text
    assert f'<a href="/reminders/{book.reminders["STRATEGIC"]}">Overdue invoices' in section.text
    skipped = cleo.get(f"/customers/{held}/reminders")  # without HTMX: a page of its own
    assert "<html" in skipped.text
    assert 'data-skip="hold"' in skipped.text
    assert "on hold" in skipped.text


def test_a_manager_plans_today_and_sends_what_is_due(
    signed_in: SignIn,
    people: People,
    book: ApprovalsBook,
    sessions: sessionmaker[Session],
    database_url: str,
) -> None:
    assert signed_in(people.collector).post("/dunning/plan").status_code == 403
    max_ = signed_in(people.manager)
    planned = max_.post("/dunning/plan", follow_redirects=False)
    assert planned.status_code == 303
    assert "written=0" in planned.headers["location"]  # the book was planned already: nothing new
    assert "Planned today: 0 reminders written" in max_.get(planned.headers["location"]).text
    with smtp_sink() as (_, port):
        app = max_.app
        app.state.settings = Settings(database_url=database_url, smtp_port=port, smtp_security="none")  # type: ignore[attr-defined]
        sent = max_.post("/dunning/send", follow_redirects=False)
    assert sent.status_code == 303
    assert "sent=" in sent.headers["location"]
    assert _audit(sessions, "reminder.send_run")[0].actor == people.manager
