"""The Today page in the browser: a collector signs in, sees her customers in rank order, records a
promise from the list in one click, and finds it on the customer's page. Screenshots of every step
go under test-artifacts/e2e/ like the other journeys."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session, sessionmaker

from e2e.conftest import CHROMIUM, LiveServer, People, sign_in
from worklist.worklist_book import Book, build_book

if not CHROMIUM.exists():
    pytest.skip(f"browser journeys skipped: {CHROMIUM} is missing", allow_module_level=True)

Shot = Callable[[Page, str], Path]


@pytest.fixture
def today_book(sessions: sessionmaker[Session], people: People) -> Book:
    with sessions.begin() as session:
        return build_book(session, relative_to=date.today())


def test_a_collector_works_her_day_from_the_today_page(
    page: Page, people: People, today_book: Book, live_server: LiveServer, shot: Shot
) -> None:
    sign_in(page, people.collector)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(page).to_have_url(re.compile(r"/today$"))
    worklist = page.get_by_role("table", name=re.compile("Worklist of"))
    expect(worklist).to_be_visible()
    names = worklist.locator("tbody tr td:nth-child(2) a").all_inner_texts()
    assert names == ["Big Ltd", "Euro Ltd", "Middle Ltd", "Small Ltd", "Broken Ltd"]
    expect(page.get_by_text("0 of 5")).to_be_visible()
    shot(page, "ranked")
    euro = page.locator(f"tr#c{today_book.ids['EURO']}")
    euro.get_by_text("Record", exact=True).click()
    euro.get_by_label("Tone").select_option("firm")
    euro.get_by_role("button", name=re.compile(r"^Log ")).click()
    expect(page.locator(f"tr#c{today_book.ids['EURO']}").get_by_text("done", exact=True)).to_be_visible()
    expect(page.get_by_text("1 of 5")).to_be_visible()
    big = page.locator(f"tr#c{today_book.ids['BIG']}")
    big.get_by_text("Record", exact=True).click()
    big.get_by_label("Promised amount (USD)").fill("1000.00")
    shot(page, "promise-form")
    big.get_by_role("button", name="Record promise").click()
    expect(page.locator(f"tr#c{today_book.ids['BIG']}").get_by_text("done", exact=True)).to_be_visible()
    expect(page.get_by_text("2 of 5")).to_be_visible()
    shot(page, "done")
    page.locator(f"tr#c{today_book.ids['BIG']}").get_by_role("link", name="Big Ltd").click()
    expect(page).to_have_url(re.compile(rf"/customers/{today_book.ids['BIG']}$"))
    promises = page.locator("section#promises")
    expect(promises.get_by_text(re.compile(r"1,000\.00")).first).to_be_visible()
    expect(promises.get_by_text("open", exact=True)).to_be_visible()
    shot(page, "promise-on-customer-page")
    page.goto(f"{live_server.url}/customers/{today_book.ids['EURO']}")
    expect(page.get_by_text(re.compile(r"\(outbound, firm\)")).first).to_be_visible()
