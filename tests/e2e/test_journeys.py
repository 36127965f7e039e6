"""What people do in the browser, end to end: sign in, stay inside their portfolio, sign out, work a
customer (a promise to pay on the timeline), confirm a suggested match, upload a statement.

A journey over a page that is not built yet skips and names the page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import CHROMIUM, LiveServer, People, SeededBook, sign_in

if not CHROMIUM.exists():
    pytest.skip(
        f"browser journeys skipped: {CHROMIUM} is missing (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )

Shot = Callable[[Page, str], Path]


def _needs(server: LiveServer, path: str, what: str) -> None:
    if not server.has_page(path):
        pytest.skip(f"page not built yet: {what} ({path})")


def test_signing_in_opens_the_dashboard(page: Page, people: People, book: SeededBook, shot: Shot) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))  # nothing shows without signing in
    shot(page, "login")
    sign_in(page, people.manager)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Dashboard"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_text(f"{people.manager} · manager")).to_be_visible()
    shot(page, "dashboard")


def test_a_wrong_password_keeps_the_person_on_the_sign_in_form(
    page: Page, people: People, book: SeededBook, shot: Shot
) -> None:
    page.goto("/login")
    page.get_by_label("Login").fill(people.collector)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))
    shot(page, "refused")


def test_a_collector_gets_not_found_for_another_portfolios_customer(
    page: Page, people: People, book: SeededBook, live_server: LiveServer, shot: Shot
) -> None:
    sign_in(page, people.collector)
    if live_server.has_page(f"/customers/{book.acme_id}"):
        own = page.goto(f"/customers/{book.acme_id}")
        assert own is not None
        assert own.status == 200
        expect(page.get_by_text("Acme Trading Inc").first).to_be_visible()
        shot(page, "own-customer")
    foreign = page.goto(f"/customers/{book.crane_id}")
    assert foreign is not None
    assert foreign.status == 404  # not "forbidden": it does not exist for her
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_text("Crane Works")).to_have_count(0)
    shot(page, "other-portfolio-not-found")


def test_signing_out_ends_the_session(page: Page, people: People, book: SeededBook, shot: Shot) -> None:
    sign_in(page, people.collector)
    shot(page, "signed-in")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    shot(page, "signed-out")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))  # the old session no longer opens anything


def test_a_collector_records_a_promise_and_sees_it_on_the_timeline(
    page: Page, people: People, book: SeededBook, live_server: LiveServer, shot: Shot
) -> None:
    _needs(live_server, "/customers", "the customer list")
    _needs(live_server, f"/customers/{book.acme_id}", "the customer page")
    sign_in(page, people.collector)
    shot(page, "dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    expect(page.get_by_role("link", name="Crane Works")).to_have_count(0)  # otto's, not hers
    shot(page, "customers")
    page.get_by_role("link", name="Acme Trading Inc").first.click()
    expect(page).to_have_url(re.compile(rf"/customers/{book.acme_id}\b"))
    shot(page, "customer")
    promise = page.locator("form", has=page.get_by_role("button", name=re.compile("promise", re.I))).first
    expect(promise).to_be_visible()
    promise.get_by_label(re.compile("amount", re.I)).fill("150.00")
    promise.get_by_label(re.compile("date|by|due", re.I)).first.fill("2030-01-15")
    shot(page, "promise-form")
    promise.get_by_role("button", name=re.compile("promise", re.I)).click()
    timeline = page.get_by_role("region", name=re.compile("timeline|activity|history", re.I))
    expect(timeline.get_by_text(re.compile("promise", re.I)).first).to_be_visible()
    expect(timeline.get_by_text(re.compile(r"150\.00")).first).to_be_visible()
    shot(page, "promise-on-timeline")


def test_a_manager_confirms_a_suggested_match(
    page: Page, people: People, book: SeededBook, live_server: LiveServer, shot: Shot
) -> None:
    _needs(live_server, "/cash", "cash application")
    sign_in(page, people.manager)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cash application").click()
    expect(page).to_have_url(re.compile(r"/cash"))
    shot(page, "review-queue")
    suggestion = page.get_by_text("Bolt Industries").first
    expect(suggestion).to_be_visible()
    if page.get_by_role("button", name=re.compile("confirm", re.I)).count() == 0:
        suggestion.click()  # the queue lists; the suggestion's own page confirms
        shot(page, "suggestion")
    page.get_by_role("button", name=re.compile("confirm", re.I)).first.click()
    expect(page.get_by_text(re.compile("confirmed|applied", re.I)).first).to_be_visible()
    shot(page, "confirmed")


def test_a_manager_uploads_a_bank_statement(
    page: Page, people: People, book: SeededBook, live_server: LiveServer, shot: Shot
) -> None:
    _needs(live_server, "/cash", "cash application")
    sign_in(page, people.manager)
    page.goto("/cash")
    upload = page.locator("input[type=file]").first
    if upload.count() == 0:
        page.get_by_role("link", name=re.compile("upload|import", re.I)).first.click()
    shot(page, "upload-form")
    page.locator("input[type=file]").first.set_input_files(str(book.next_statement))
    page.get_by_role("button", name=re.compile("upload|import", re.I)).first.click()
    expect(page.get_by_text(re.compile(r"imported|1 payment|250\.00", re.I)).first).to_be_visible()
    shot(page, "uploaded")
