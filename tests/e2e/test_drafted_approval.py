"""A reminder a drafting model worded, approved in a real browser: the Approvals page says a
model's draft waits for a person; the preview shows the draft, who drafted it, the fact guard's
verdict and the facts it was checked against; a refused draft shows what the guard caught and that
the template's words are what would go out; the manager approves the checked draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from e2e.conftest import CHROMIUM, LiveServer, People, sign_in
from reminders.chat_server import Received, Reply, chat_server
from reminders.drafted_book import MODEL, build, customer_of, drafting, plan, reworded, templates

if not CHROMIUM.exists():
    pytest.skip(f"browser journeys skipped: {CHROMIUM} is missing", allow_module_level=True)

Shot = Callable[[Page, str], Path]


def test_a_manager_reads_the_guards_verdict_and_approves_a_models_draft(
    page: Page, people: People, sessions: sessionmaker[Session], live_server: LiveServer, shot: Shot
) -> None:
    build(sessions)
    words = templates(sessions)

    def answer(request: Received) -> Reply:
        name = customer_of(request)
        if name == "Strategic Ltd":  # an invented amount: the guard must refuse it
            return Reply(words[name].replace("900.00", "9,000.00"))
        return Reply(reworded(words[name], name))

    with chat_server(answer) as server:
        planned = plan(sessions, with_drafting=drafting(server.url))
    checked, refused = planned["Plain0 Ltd"], planned["Strategic Ltd"]

    sign_in(page, people.manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    expect(page.locator(f'tr[data-reminder="{checked.id}"] [data-why="model_draft"]')).to_be_visible()
    shot(page, "approvals")

    page.goto(f"/reminders/{refused.id}")
    expect(page.locator('[data-verdict="refused"]')).to_be_visible()
    expect(page.locator('[data-problem="unknown_amount"]').first).to_be_visible()
    expect(page.get_by_text("The refused draft (not sent)")).to_be_visible()
    shot(page, "refused-draft")

    page.goto("/approvals")
    page.locator(f'tr[data-reminder="{checked.id}"]').get_by_role("link", name=re.compile("^Preview")).click()
    expect(page.locator('[data-drafting="model"]')).to_be_visible()
    expect(page.get_by_text(f"openai · {MODEL}")).to_be_visible()
    expect(page.locator('[data-verdict="passed"]')).to_be_visible()
    expect(page.get_by_text("The facts it was checked against")).to_be_visible()
    expect(page.locator('pre[data-field="body"]')).to_contain_text("We noticed that the following invoice")
    shot(page, "checked-draft")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("h1 .pill")).to_have_text("queued")
    shot(page, "approved")
