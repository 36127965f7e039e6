"""Payment plans over the API on both databases: a collector records the acceptance of her own
customer's offer (not another portfolio's, not a viewer), lists the plans, and a plan outside the
policy's limits is refused with the reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.reminders import ReminderStatus
from dunwell.orm import Invoice
from dunwell.orm.reminders import Reminder, ReminderItem
from reminders.approvals_book import ApprovalsBook, build_approvals_book
from web.conftest import People, bearer, people, signed_in

__all__ = ["bearer", "people", "signed_in"]  # fixtures shared with tests/web

Client = Callable[[str], TestClient]


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> ApprovalsBook:
    """PLAIN0 (cleo's) was sent a reminder offering 2 x 1,500.00 USD over its 3,000.00 invoice."""
    with sessions.begin() as session:
        book = build_approvals_book(
            session, collector=people.collector, other_collector=people.other_collector
        )
        reminder = session.get_one(Reminder, book.reminders["PLAIN0"])
        invoice_id = session.scalars(
            select(ReminderItem.invoice_id).where(ReminderItem.reminder_id == reminder.id)
        ).one()
        invoice = session.get_one(Invoice, invoice_id)
        invoice.amount_minor = invoice.open_amount_minor = 300_000
        offer = [
            {"date": (book.day + timedelta(days=7)).isoformat(), "amount_minor": 150_000},
            {"date": (book.day + timedelta(days=37)).isoformat(), "amount_minor": 150_000},
        ]
        reminder.document = {**reminder.document, "plan": offer}
        reminder.status = ReminderStatus.SENT
        return book


def test_a_collector_records_her_customers_acceptance_and_lists_it(
    bearer: Client, people: People, book: ApprovalsBook
) -> None:
    path = f"/api/v1/reminders/{book.reminders['PLAIN0']}/payment-plan"
    assert bearer(people.other_collector).post(path, json={}).status_code == 404
    assert bearer(people.viewer).post(path, json={}).status_code == 403
    cleo = bearer(people.collector)
    accepted = cleo.post(path, json={})
    assert accepted.status_code == 201, accepted.text
    plan = accepted.json()
    assert plan["status"] == "active"
    assert plan["total_minor"] == 300_000
    assert [i["amount_minor"] for i in plan["instalments"]] == [150_000, 150_000]
    assert {i["status"] for i in plan["instalments"]} == {"open"}
    again = cleo.post(path, json={})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_in_plan"
    listed = cleo.get(f"/api/v1/customers/{book.customers['PLAIN0']}/payment-plans").json()
    assert [p["id"] for p in listed] == [plan["id"]]
    promises = cleo.get(f"/api/v1/customers/{book.customers['PLAIN0']}/promises").json()
    assert sorted(p["amount_minor"] for p in promises) == [150_000, 150_000]


def test_a_plan_outside_the_policys_limits_is_refused_with_the_reasons(
    bearer: Client, people: People, book: ApprovalsBook, sessions: sessionmaker[Session]
) -> None:
    cleo = bearer(people.collector)
    customer = book.customers["PLAIN0"]
    with sessions() as session:
        invoice_id = session.scalars(select(Invoice.id).where(Invoice.customer_id == customer)).one()
    day = book.day
    small = [
        {"due_date": (day + timedelta(days=7)).isoformat(), "amount_minor": 10_000},
        {"due_date": (day + timedelta(days=300)).isoformat(), "amount_minor": 290_000},
    ]
    refused = cleo.post(
        f"/api/v1/customers/{customer}/payment-plans",
        json={"invoice_ids": [invoice_id], "instalments": small},
    )
    assert refused.status_code == 400, refused.text
    message = refused.json()["error"]["message"]
    assert "instalment 1 is below 500.00 USD" in message
    assert "more than 180 days after" in message
    edited = cleo.post(
        f"/api/v1/reminders/{book.reminders['PLAIN0']}/payment-plan",
        json={"instalments": [{"due_date": (day + timedelta(days=10)).isoformat(), "amount_minor": 300_000}]},
    )
    assert edited.status_code == 400
    assert "a plan has 2 to 6" in edited.json()["error"]["message"]


def test_the_customer_page_shows_the_plan_and_marks_its_instalments(
    bearer: Client, signed_in: Client, people: People, book: ApprovalsBook
) -> None:
    accepted = bearer(people.collector).post(
        f"/api/v1/reminders/{book.reminders['PLAIN0']}/payment-plan", json={}
    )
    assert accepted.status_code == 201, accepted.text
    page = signed_in(people.collector).get(f"/customers/{book.customers['PLAIN0']}")
    assert page.status_code == 200
    assert "Payment plans" in page.text
    assert f"offered in reminder {book.reminders['PLAIN0']}" in page.text
    assert page.text.count(f"(instalment, plan {accepted.json()['id']})") == 2
