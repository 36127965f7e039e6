"""Browser journeys against the real app: uvicorn on a loopback port over a migrated database (SQLite,
and PostgreSQL when DUNWELL_TEST_POSTGRES_URL is set), driven by Debian's Chromium through
Playwright's sync API. Every step is saved as a screenshot under test-artifacts/e2e/.

The book: Acme and Bolt belong to cleo's portfolio, Crane to otto's; a bank statement is imported
and matched, so Bolt's short payment waits in the review queue as a suggestion.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from cashapp.helpers import ENTITY, Entry, camt053, make_book
from dunwell.cashapp.service import import_statement, run_matching
from dunwell.orm import CashMatch, Payment, User
from web.conftest import PASSWORD, People, people

#: Assertions on the page wait as long as actions do (the default, 5 s, is too short under load).
expect.set_options(timeout=30_000)


__all__ = ["PASSWORD", "People", "people"]  # `people` is a fixture these tests share with tests/web

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
MATCHED_ON = date(2024, 2, 29)
BOLT_PAYER = {"payer": "Bolt Industries", "payer_account": "US22BANK0002"}


@dataclass(frozen=True)
class SeededBook:
    acme_id: int  # cleo's
    bolt_id: int  # cleo's; paid 99.00 against 100.00: a suggestion to confirm
    crane_id: int  # otto's
    suggestion_id: int
    next_statement: Path  # a statement not imported yet, for the upload journey


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: FastAPI

    def has_page(self, path: str) -> bool:
        """Whether a page answers ``path``: without a session an existing page sends the person to
        sign in; a path no page serves is a 404."""
        answer = httpx.get(self.url + path, follow_redirects=False, timeout=30)
        return answer.status_code != 404


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People, tmp_path: Path) -> SeededBook:
    with sessions.begin() as session:
        seeded = make_book(session)
        owners = dict(session.execute(select(User.login, User.id)).all())
        seeded.acme.owner_id = seeded.bolt.owner_id = owners[people.collector]
        seeded.crane.owner_id = owners[people.other_collector]
        ids = (seeded.acme.id, seeded.bolt.id, seeded.crane.id)
        statement = tmp_path / "statement-feb.xml"
        entries = [
            Entry("E-1", "99.00", day=date(2024, 2, 2), **BOLT_PAYER),  # a fee short: a person decides
            Entry("E-2", "12.34", payer="Nobody", day=date(2024, 2, 3)),
        ]
        statement.write_text(camt053(entries), encoding="utf-8")
        import_statement(session, statement, entity_code=ENTITY, actor="test")
        run_matching(session, as_of=MATCHED_ON, actor="test")
        suggestion = _match_id(session, "E-1")
    upload = tmp_path / "statement-mar.xml"
    march = Entry("M-1", "250.00", remittance="90000002", payer="Acme Trading Inc", day=date(2024, 3, 1))
    upload.write_text(camt053([march], statement_id="S-2024-03"), encoding="utf-8")
    return SeededBook(*ids, suggestion_id=suggestion, next_statement=upload)


def _match_id(session: Session, bank_reference: str) -> int:
    payment = session.scalars(select(Payment).where(Payment.bank_reference == bank_reference)).one()
    return session.scalars(select(CashMatch.id).where(CashMatch.payment_id == payment.id)).one()


@pytest.fixture
def live_server(engine: Engine, database_url: str, app_factory: Callable[[str], Any]) -> Iterator[LiveServer]:
    """The app under uvicorn in a thread, on a free loopback port (port 0: the kernel picks)."""
    app = app_factory(database_url)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start under uvicorn")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield LiveServer(f"http://127.0.0.1:{port}", app)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser journeys skipped: {CHROMIUM} is missing (apt-get install chromium; .ci/run does)"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser profile (no cookies) pointed at the live server; fails on a page that takes
    over 15 s (a hang, not a shared machine's busy moment: 5 s failed under another job's load)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    # Generous: a loaded machine (two test workers, a browser, the server and the database on two
    # cores) can take seconds for a sign-in (argon2) or a page; a passing run never waits this long.
    context.set_default_timeout(60_000)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, "dashboard")`` saves test-artifacts/e2e/<test>/<nn>-dashboard.png."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    for old in folder.glob("*.png"):  # the last run's steps, so the folder shows this run only
        old.unlink()
    taken = 0

    def take(page: Page, step: str) -> Path:
        nonlocal taken
        taken += 1
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{taken:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
