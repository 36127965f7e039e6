"""The dunning API on both databases: reminders and skips within the caller's portfolio, decisions
for managers only (403 otherwise, 400 without a reason or for an edit the guard would never send),
planning a day."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.reminders import Ledger
from dunwell.orm import AuditEntry, Customer
from reminders.approvals_book import ApprovalsBook, build_approvals_book
from web.conftest import People, bearer, people, signed_in

__all__ = ["bearer", "people", "signed_in"]  # fixtures shared with tests/web

Client = Callable[[str], TestClient]


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> ApprovalsBook:
    with sessions.begin() as session:
        return build_approvals_book(
            session, collector=people.collector, other_collector=people.other_collector
        )


def test_a_collector_lists_her_portfolio_only(bearer: Client, people: People, book: ApprovalsBook) -> None:
    cleo = bearer(people.collector)
    listed = cleo.get("/api/v1/reminders")
    assert listed.status_code == 200, listed.text
    assert {r["id"] for r in listed.json()} == {book.reminders["PLAIN0"], book.reminders["STRATEGIC"]}
    waiting = cleo.get(
        "/api/v1/reminders", params={"status": "awaiting_approval", "day": book.day.isoformat()}
    )
    (strategic,) = waiting.json()
    assert strategic["customer"] == "Strategic Ltd"
    assert "strategic" in {w["code"] for w in strategic["why"]}
    assert cleo.get("/api/v1/reminders", params={"day": "2001-01-01"}).json() == []
    assert cleo.get(f"/api/v1/reminders/{book.reminders['BERLIN']}").status_code == 404
    detail = cleo.get(f"/api/v1/reminders/{book.reminders['STRATEGIC']}").json()
    assert detail["body"].startswith("Dear Sir or Madam")
    assert detail["events"][0]["kind"] == "planned"
    skips = cleo.get("/api/v1/dunning/skips", params={"day": book.day.isoformat()}).json()
    assert {(s["customer"], s["code"]) for s in skips} == {("Held Ltd", "hold")}
    assert bearer(people.other_collector).get("/api/v1/dunning/skips").json() == []


def test_only_a_manager_decides_and_her_approval_is_audited(
    bearer: Client, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    path = f"/api/v1/reminders/{book.reminders['STRATEGIC']}/approve"
    refused = bearer(people.collector).post(path, json={"note": "ok"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert bearer(people.viewer).post(path, json={}).status_code == 403
    max_ = bearer(people.manager)
    approved = max_.post(path, json={"note": "known customer"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "queued"
    assert approved.json()["events"][-1]["kind"] == "approved"
    again = max_.post(path, json={})
    assert again.status_code == 409  # queued: nothing left to approve
    with sessions() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "reminder.approved"))
    assert entry.actor.endswith(f"@{people.manager}")
    assert entry.details["now"] == "queued"


def test_a_rejection_needs_a_reason(bearer: Client, people: People, book: ApprovalsBook) -> None:
    max_ = bearer(people.manager)
    path = f"/api/v1/reminders/{book.reminders['STRATEGIC']}/reject"
    assert max_.post(path, json={}).status_code == 422
    blank = max_.post(path, json={"reason": "  "})
    assert blank.status_code == 400
    assert blank.json()["error"]["code"] == "reason_required"
    done = max_.post(path, json={"reason": "in talks with their CFO"})
    assert done.json()["status"] == "rejected"
    assert done.json()["decision_note"] == "in talks with their CFO"


def test_an_edit_the_guard_would_never_send_is_refused(
    bearer: Client, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        customer = session.get(Customer, book.customers["STRATEGIC"])
        assert customer is not None
        customer.ledger = Ledger.CONSUMER
    max_ = bearer(people.manager)
    reminder = f"/api/v1/reminders/{book.reminders['STRATEGIC']}"
    before = max_.get(reminder).json()
    refused = max_.post(f"{reminder}/edit", json={"subject": "Pay", "body": "Pay now."})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "blocked_by_guard"
    assert "RF-ELEC-1" in refused.text
    assert max_.get(reminder).json()["body"] == before["body"]
    kept = max_.post(f"{reminder}/edit", json={"subject": "Pay", "body": "Pay now. Reply stop to stop."})
    assert kept.status_code == 200, kept.text
    assert kept.json()["reminder"]["body"] == "Pay now. Reply stop to stop."
    assert all("RF-ELEC-1" not in remark for remark in kept.json()["guard"])


def test_a_manager_plans_a_day_and_others_may_not(
    bearer: Client, people: People, book: ApprovalsBook
) -> None:
    assert bearer(people.collector).post("/api/v1/dunning/plan", json={}).status_code == 403
    planned = bearer(people.manager).post("/api/v1/dunning/plan", json={"as_of": book.day.isoformat()})
    assert planned.status_code == 200, planned.text
    assert planned.json()["reminders_written"] == 0  # planned already: nothing new
    assert planned.json()["skipped_customers"] == 1


def test_a_signed_in_browser_decides_with_its_csrf_token(
    signed_in: Client, people: People, book: ApprovalsBook
) -> None:
    max_ = signed_in(people.manager)
    path = f"/api/v1/reminders/{book.reminders['STRATEGIC']}/approve"
    token = max_.headers.pop("X-CSRF-Token")
    assert max_.post(path, json={}).status_code == 403
    max_.headers["X-CSRF-Token"] = token
    assert max_.post(path, json={}).json()["status"] == "queued"
