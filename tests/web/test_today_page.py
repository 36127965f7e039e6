"""The Today page and GET /api/v1/worklist over a book planned for today: a collector's ranked list
with one-click actions that reuse the collections services, progress, the manager's view of every
queue, and who may see and do what."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from web.conftest import People
from worklist.worklist_book import Book, build_book


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> Book:
    with sessions.begin() as session:
        return build_book(session, relative_to=date.today())


def ranked(html: str) -> list[str]:
    return re.findall(
        r'<tr id="c\d+" data-rank="\d+"[^>]*>\s*<td>\d+</td>\s*<td><a href="/customers/\d+">([^<]+)<', html
    )


def test_a_collector_sees_her_ranked_list_and_who_is_left_out(
    signed_in: Callable[[str], TestClient], people: People, book: Book
) -> None:
    page = signed_in(people.collector).get("/today")
    assert page.status_code == 200, page.text
    assert ranked(page.text) == ["Big Ltd", "Euro Ltd", "Middle Ltd", "Small Ltd", "Broken Ltd"]
    assert "Ottos Ltd" not in page.text  # otto's portfolio
    for reason in ("hold", "promise", "disputed", "recent_cash", "quiet_period", "no_contact"):
        assert f'data-reason="{reason}"' in page.text
    assert "0 of 5" in page.text
    assert "<script>" not in page.text  # the CSP forbids inline scripts


def test_a_logged_call_marks_the_row_done_and_shows_on_the_customer_page(
    signed_in: Callable[[str], TestClient], people: People, book: Book
) -> None:
    cleo = signed_in(people.collector)
    big = book.ids["BIG"]
    call = {"channel": "call", "outcome": "conversation", "note": "pays Friday"}
    done = cleo.post(f"/today/customers/{big}/touch", data=call, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = cleo.get("/today")
    assert re.search(rf'<tr id="c{big}" data-rank="1" class="done">', page.text)
    assert "1 of 5" in page.text
    assert "12 / " in page.text  # a call's minutes used
    customer = cleo.get(f"/customers/{big}")
    assert "pays Friday" in customer.text
    promise = cleo.post(f"/today/customers/{book.ids['SMALL']}/promise",
                        data={"promised_date": "2099-01-01", "amount": "200.00", "currency": "USD"},
                        follow_redirects=False)  # fmt: skip
    assert promise.status_code == 303, promise.text
    assert "2 of 5" in cleo.get("/today").text


def test_without_the_csrf_token_nothing_is_recorded(
    signed_in: Callable[[str], TestClient], people: People, book: Book
) -> None:
    cleo = signed_in(people.collector)
    del cleo.headers["X-CSRF-Token"]
    refused = cleo.post(
        f"/today/customers/{book.ids['BIG']}/touch", data={"channel": "call", "outcome": "sent"}
    )
    assert refused.status_code == 403


def test_a_manager_sees_every_queue_and_a_viewer_only_reads(
    signed_in: Callable[[str], TestClient], people: People, book: Book
) -> None:
    team = signed_in(people.manager).get("/today")
    assert team.status_code == 200
    assert "every collector" in team.text
    assert "Cleo" in team.text
    assert "Otto" in team.text
    cleos = signed_in(people.manager).get("/today?collector=cleo")
    assert ranked(cleos.text)[0] == "Big Ltd"
    viewer = signed_in(people.viewer)
    assert viewer.get("/today?collector=cleo").status_code == 200
    assert "Record promise" not in viewer.get("/today?collector=cleo").text
    refused = viewer.post(
        f"/today/customers/{book.ids['BIG']}/touch", data={"channel": "call", "outcome": "sent"}
    )
    assert refused.status_code == 403
    other = signed_in(people.collector).get(f"/today?collector={people.other_collector}")
    assert other.status_code == 404


def test_the_api_serves_the_worklist_of_the_callers_view(
    bearer: Callable[[str], TestClient], people: People, book: Book
) -> None:
    cleo, manager = bearer(people.collector), bearer(people.manager)
    answer = cleo.get("/api/v1/worklist")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [q["login"] for q in body["queues"]] == ["cleo"]
    assert body["queues"][0]["rows"][0]["external_id"] == "BIG"
    assert cleo.get("/api/v1/worklist?collector=otto").status_code == 404
    assert len(manager.get("/api/v1/worklist").json()["queues"]) == 2
    assert manager.get("/api/v1/worklist?as_of=0001-01-01").status_code == 422
