"""The approval page of a reminder a drafting model worded (issue 20), on both databases: a
manager sees the draft, who drafted it, the fact guard's verdict with each problem, and the facts
it was checked against; the Approvals page says why a model's draft waits."""

from __future__ import annotations

import html
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from reminders.chat_server import Received, Reply, chat_server
from reminders.drafted_book import MODEL, build, customer_of, drafting, plan, reworded, templates
from web.conftest import People, people, signed_in

__all__ = ["people", "signed_in"]  # fixtures shared with tests/web

SignIn = Callable[[str], TestClient]


def test_the_approval_page_shows_the_draft_its_facts_and_the_guards_verdict(
    sessions: sessionmaker[Session], signed_in: SignIn, people: People
) -> None:
    build(sessions)
    words = templates(sessions)

    def answer(request: Received) -> Reply:
        name = customer_of(request)
        if name == "Strategic Ltd":
            return Reply(words[name].replace("900.00", "9,000.00"))
        return Reply(reworded(words[name], name))

    with chat_server(answer) as server:
        planned = plan(sessions, with_drafting=drafting(server.url))
    max_ = signed_in(people.manager)

    used = planned["Plain0 Ltd"]
    page = max_.get(f"/reminders/{used.id}")
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "How it was worded" in text
    assert f"openai · {MODEL}" in text
    assert 'data-drafting="model"' in text
    assert 'data-verdict="passed"' in text
    assert "The facts it was checked against" in text
    assert "no payments recorded in the last 12 months; no disputes in 3 years" in text
    assert "We noticed that the following invoice is still open on your account." in text
    assert f'action="/reminders/{used.id}/approve"' in text
    approvals = max_.get("/approvals")
    assert 'data-why="model_draft"' in approvals.text

    refused = planned["Strategic Ltd"]
    page = max_.get(f"/reminders/{refused.id}")
    text = html.unescape(page.text)
    assert 'data-drafting="template"' in text
    assert 'data-verdict="refused"' in text
    assert 'data-problem="unknown_amount"' in text
    assert "The amount “US$9,000.00” is not in the facts" in text
    assert "The refused draft (not sent)" in text
    # The message itself is the template's, word for word.
    assert refused.text == words["Strategic Ltd"]
    assert html.escape(refused.body.splitlines()[2], quote=False) in page.text
