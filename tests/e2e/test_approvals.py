"""Approvals in the browser: a manager opens Approvals, sees the strategic customer's reminder with
why it waits, previews the exact message and approves it; the customer page then lists it as queued
(a section the page loads with HTMX). Screenshots of every step go under test-artifacts/e2e/."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from e2e.conftest import CHROMIUM, LiveServer, People, sign_in
from reminders.approvals_book import ApprovalsBook, build_approvals_book

if not CHROMIUM.exists():
    pytest.skip(f"browser journeys skipped: {CHROMIUM} is missing", allow_module_level=True)

Shot = Callable[[Page, str], Path]


@pytest.fixture
def approvals_book(sessions: sessionmaker[Session], people: People) -> ApprovalsBook:
    with sessions.begin() as session:
        return build_approvals_book(
            session, collector=people.collector, other_collector=people.other_collector
        )


def test_a_manager_approves_a_waiting_reminder(
    page: Page, people: People, approvals_book: ApprovalsBook, live_server: LiveServer, shot: Shot
) -> None:
    sign_in(page, people.manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    waiting = page.get_by_role("table", name="Waiting for a person")
    row = waiting.locator(f'tr[data-reminder="{approvals_book.reminders["STRATEGIC"]}"]')
    expect(row.get_by_role("link", name="Strategic Ltd")).to_be_visible()
    expect(row.get_by_text("a strategic account: a person approves every message")).to_be_visible()
    shot(page, "approvals")
    row.get_by_role("link", name=re.compile("^Preview")).click()
    expect(page.locator('pre[data-field="body"]')).to_contain_text("Dear Sir or Madam")
    expect(page.get_by_text("ap@strategic.example")).to_be_visible()
    shot(page, "preview")
    page.get_by_label("Note (optional)").fill("known customer, fine")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("h1 .pill")).to_have_text("queued")
    page.get_by_role("navigation", name="Back").get_by_role("link", name="Strategic Ltd").click()
    expect(page).to_have_url(re.compile(rf"/customers/{approvals_book.customers['STRATEGIC']}$"))
    reminders = page.get_by_role("table", name="Reminders")
    expect(reminders.locator('[data-status="queued"]')).to_have_text("queued")
    shot(page, "customer-page")
