"""The Inbox page (both databases): each reply with its customer, the words that decided it and
the dates and amounts read; a promise accepted in one click becomes the customer's promise; a
rejection needs a reason; a stop shows as honoured on arrival; a collector sees their own
customers' replies only and a viewer cannot decide; a post without the CSRF token is refused."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.inbox import ReplyState
from dunwell.inbox.ingesting import ingest
from dunwell.orm import PromiseToPay, ReceivedReply, User
from inbox.inbox_book import ADMIN, NOW, eml, make_book, raw
from web.conftest import People

Client = Callable[[str], TestClient]


def _stock(sessions: sessionmaker[Session], people: People) -> dict[str, int]:
    with sessions.begin() as session:
        mine = make_book(session)
        make_book(session, email="ap@other.example", numbers=("INV-8001", "INV-8002"))
        cleo = session.scalars(select(User).where(User.login == people.collector)).one()
        mine.customer.owner_id = cleo.id
        replies = [
            raw(
                "promise.eml", eml("We will pay INV-7001 on 19 March 2027, 1,250.50 EUR.", message_id="<p@c>")
            ),
            raw(
                "dispute.eml",
                eml(
                    "The price on INV-8001 is wrong, we were quoted less.",
                    sender="ap@other.example",
                    message_id="<d@o>",
                ),
            ),
            raw("stop.eml", eml("Please stop emailing us about this.", message_id="<s@c>")),
        ]
        report = ingest(session, ADMIN, replies, now=NOW)
        ids = {f.file.removesuffix(".eml"): f.reply_id for f in report.files}
        return {**ids, "customer": mine.customer.id}


def test_the_inbox_shows_replies_with_evidence_and_a_promise_is_accepted_in_one_click(
    sessions: sessionmaker[Session], people: People, signed_in: Client
) -> None:
    ids = _stock(sessions, people)
    manager = signed_in(people.manager)
    listed = manager.get("/inbox")
    assert listed.status_code == 200
    assert f'data-reply="{ids["promise"]}" data-intent="promise_to_pay"' in listed.text
    assert f'data-reply="{ids["dispute"]}" data-intent="dispute"' in listed.text
    assert "We will pay INV-7001 on 19 March 2027" in listed.text  # the customer's own words
    assert f'data-reply="{ids["stop"]}"' not in listed.text  # honoured on arrival: not waiting
    done = manager.get("/inbox?state=applied_at_once")
    assert f'data-reply="{ids["stop"]}" data-intent="unsubscribe" data-state="applied_at_once"' in done.text

    accepted = manager.post(f"/inbox/{ids['promise']}/accept", data={}, follow_redirects=False)
    assert accepted.status_code == 303, accepted.text
    with sessions() as session:
        reply = session.get(ReceivedReply, ids["promise"])
        assert reply is not None
        assert reply.state is ReplyState.ACCEPTED
        assert reply.decided_by == people.manager
        promise = session.get(PromiseToPay, reply.outcome["promise_id"])
        assert promise is not None
        assert promise.customer_id == ids["customer"]
    again = manager.post(f"/inbox/{ids['promise']}/accept", data={})
    assert again.status_code == 409  # decided once
    no_reason = manager.post(f"/inbox/{ids['dispute']}/reject", data={"reason": " "})
    assert no_reason.status_code == 400
    assert (
        manager.post(
            f"/inbox/{ids['dispute']}/reject", data={"reason": "misread"}, follow_redirects=False
        ).status_code
        == 303
    )
    manager.headers.pop("X-CSRF-Token", None)
    assert manager.post(f"/inbox/{ids['dispute']}/accept", data={"csrf_token": "forged"}).status_code == 403


def test_a_collector_sees_only_their_customers_replies_and_a_viewer_cannot_decide(
    sessions: sessionmaker[Session], people: People, signed_in: Client
) -> None:
    ids = _stock(sessions, people)
    cleo = signed_in(people.collector).get("/inbox?state=all")
    assert f'data-reply="{ids["promise"]}"' in cleo.text
    assert f'data-reply="{ids["dispute"]}"' not in cleo.text  # another collector's customer
    other = signed_in(people.other_collector)
    assert other.post(f"/inbox/{ids['promise']}/accept", data={}).status_code == 404
    viewer = signed_in(people.viewer)
    page = viewer.get("/inbox")
    assert page.status_code == 200
    assert f'data-reply="{ids["promise"]}"' in page.text  # reads it ...
    assert '<button type="submit">Accept:' not in page.text  # ... and cannot decide it
    assert viewer.post(f"/inbox/{ids['promise']}/accept", data={}).status_code == 403


def test_the_rest_api_lists_accepts_and_rejects_replies_for_whoever_may_see_them(
    sessions: sessionmaker[Session], people: People, bearer: Client
) -> None:
    ids = _stock(sessions, people)
    manager = bearer(people.manager)
    listed = manager.get("/api/v1/replies", params={"state": "suggested"})
    assert listed.status_code == 200
    found = {r["id"]: r for r in listed.json()}
    assert found[ids["promise"]]["intent"] == "promise_to_pay"
    assert found[ids["promise"]]["promise_date"] == "2027-03-19"
    assert found[ids["promise"]]["promise_amount_minor"] == 125_050
    assert ids["stop"] not in found
    assert manager.get("/api/v1/replies", params={"state": "nonsense"}).status_code == 400
    accepted = manager.post(f"/api/v1/replies/{ids['promise']}/accept", json={"day": "2027-03-26"})
    assert accepted.status_code == 200, accepted.text
    with sessions() as session:
        promise = session.get(PromiseToPay, accepted.json()["outcome"]["promise_id"])
        assert promise is not None
        assert promise.promised_date.isoformat() == "2027-03-26"  # the person's correction wins
    assert manager.post(f"/api/v1/replies/{ids['dispute']}/reject", json={"reason": ""}).status_code == 422
    rejected = manager.post(f"/api/v1/replies/{ids['dispute']}/reject", json={"reason": "misread"})
    assert rejected.json()["state"] == "rejected"
    cleo = bearer(people.collector)
    assert cleo.get(f"/api/v1/replies/{ids['dispute']}").status_code == 404  # not her customer's
    assert cleo.get(f"/api/v1/replies/{ids['promise']}").json()["state"] == "accepted"
    viewer = bearer(people.viewer)
    assert viewer.post(f"/api/v1/replies/{ids['promise']}/reject", json={"reason": "x"}).status_code == 403
