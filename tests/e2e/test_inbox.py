"""The Inbox in a real browser: a manager opens the Inbox, reads a customer's promise with the
words that decided it and the date and amount found, accepts it in one click and finds it on the
customer's page; rejects a misread dispute with a reason; sees the customer's stop honoured on
arrival. Screenshots of every step go under test-artifacts/e2e/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from dunwell.inbox.ingesting import ingest
from e2e.conftest import CHROMIUM, LiveServer, People, sign_in
from inbox.inbox_book import ADMIN, NOW, eml, make_book, raw

if not CHROMIUM.exists():
    pytest.skip(f"browser journeys skipped: {CHROMIUM} is missing", allow_module_level=True)

Shot = Callable[[Page, str], Path]


@pytest.fixture
def replies(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        book = make_book(session)
        report = ingest(
            session,
            ADMIN,
            [
                raw(
                    "promise.eml",
                    eml("We will pay INV-7001 on 19 March 2027, 1,250.50 EUR.", message_id="<p@c>"),
                ),
                raw("dispute.eml", eml("The price on INV-7002 is wrong.", message_id="<d@c>")),
                raw("stop.eml", eml("Please stop emailing us.", message_id="<s@c>")),
            ],
            now=NOW,
        )
        return {
            **{f.file.removesuffix(".eml"): f.reply_id or 0 for f in report.files},
            "customer": book.customer.id,
        }


def test_a_manager_accepts_a_promise_and_rejects_a_misread_reply_in_the_inbox(
    page: Page, people: People, replies: dict[str, int], live_server: LiveServer, shot: Shot
) -> None:
    sign_in(page, people.manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    promise = page.locator(f'[data-reply="{replies["promise"]}"]')
    expect(promise.locator('[data-what="evidence"]')).to_contain_text("We will pay INV-7001 on 19 March 2027")
    expect(promise.locator('[data-what="date"]')).to_be_visible()
    expect(promise.locator('[data-what="amount"]')).to_contain_text("1,250.50")
    expect(page.locator(f'[data-reply="{replies["stop"]}"]')).to_have_count(0)  # not waiting for anyone
    shot(page, "inbox")

    promise.get_by_role("button", name="Accept").click()
    expect(page.locator(f'[data-reply="{replies["promise"]}"]')).to_have_count(0)
    dispute = page.locator(f'[data-reply="{replies["dispute"]}"]')
    dispute.get_by_label("Reason").fill("misread: they asked for a copy")
    dispute.get_by_role("button", name="Reject").click()
    expect(page.locator(f'[data-reply="{replies["dispute"]}"]')).to_have_count(0)
    expect(page.get_by_text("No suggested replies.")).to_be_visible()

    page.get_by_role("navigation", name="Replies by state").get_by_role("link", name="accepted").click()
    expect(page.locator(f'[data-reply="{replies["promise"]}"] [data-what="decision"]')).to_contain_text(
        f"Accepted by {people.manager}"
    )
    page.get_by_role("navigation", name="Replies by state").get_by_role(
        "link", name="applied at once"
    ).click()
    expect(page.locator(f'[data-reply="{replies["stop"]}"]')).to_be_visible()
    shot(page, "stop-honoured")

    page.goto(f"/customers/{replies['customer']}")
    promises = page.locator("#promises")
    expect(promises.locator("tbody tr")).to_have_count(1)  # the promise, on the customer's page
    expect(promises.locator("tbody tr")).to_contain_text("1,250.50")
    expect(promises.locator("tbody tr")).to_contain_text(people.manager)
    shot(page, "customer")
