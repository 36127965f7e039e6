"""Customers and collections records through the API and the pages (both databases): every
endpoint, the portfolio scope (cleo never sees otto's customer), viewers read only, CSRF."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.orm import AuditEntry, Customer, User
from factories import make_customer, make_invoice
from web.conftest import People


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> dict[str, int]:
    """Otto's customer "Hollis Tools" with an overdue and a current invoice; cleo's "Brightwater"."""
    with sessions.begin() as session:
        ids = {u.login: u.id for u in session.scalars(select(User))}
        otto = make_customer(session, segment="wholesale")
        otto.name, otto.owner_id, otto.terms = "Hollis Tools", ids["otto"], "NET30"
        cleo = make_customer(session, segment="retail")
        cleo.name, cleo.owner_id = "Brightwater", ids["cleo"]
        overdue = make_invoice(
            session, customer=otto, amount="300.00", issue_date=date.today() - timedelta(days=90)
        )
        current = make_invoice(session, customer=otto, amount="100.00", issue_date=date.today())
        session.flush()
        return {
            "otto_customer": otto.id,
            "cleo_customer": cleo.id,
            "overdue": overdue.id,
            "current": current.id,
            "otto": ids["otto"],
        }


def test_a_collector_works_their_customer_through_every_endpoint(
    bearer: Callable[[str], TestClient], book: dict[str, int], sessions: sessionmaker[Session]
) -> None:
    api = bearer("otto")
    base = f"/api/v1/customers/{book['otto_customer']}"
    listed = api.get("/api/v1/customers", params={"overdue": True, "sort": "owed", "desc": True}).json()
    assert [c["name"] for c in listed["items"]] == ["Hollis Tools"]
    assert (listed["items"][0]["owed_minor"], listed["items"][0]["overdue_minor"]) == (40_000, 30_000)
    one = api.get(base).json()
    assert (one["terms"], one["open_items"], one["owner"]) == ("NET30", 2, "otto")

    contact = api.post(
        f"{base}/contacts",
        json={
            "name": "Accounts payable",
            "email": "ap@hollis.example",
            "is_role_mailbox": True,
            "language": "de",
            "time_zone": "Europe/Berlin",
            "consents": [
                {"channel": "email", "consented": True, "given_by": "Ms Hollis", "source": "signed contract"}
            ],
        },
    )
    assert contact.status_code == 201, contact.text
    consent = contact.json()["consents"][0]
    assert (consent["channel"], consent["given_by"], consent["consented"]) == ("email", "Ms Hollis", True)
    out = api.post(
        f"{base}/contacts/{contact.json()['id']}/consents", json={"channel": "email", "consented": False}
    )
    assert out.status_code == 201
    assert out.json()["consents"][0]["opted_out_at"]
    assert api.post(f"{base}/contacts", json={"name": "Nobody"}).status_code == 400
    assert len(api.get(f"{base}/contacts").json()) == 1

    touch = api.post(f"{base}/touches", json={"channel": "meeting", "outcome": "promise", "note": "on site"})
    assert touch.status_code == 201
    assert touch.json()["channel"] == "meeting"
    assert api.get(f"{base}/touches").json()[0]["note"] == "on site"

    promise = api.post(
        f"{base}/promises",
        json={
            "promised_date": (date.today() + timedelta(days=7)).isoformat(),
            "amount_minor": 30_000,
            "invoice_ids": [book["overdue"], book["current"]],
        },
    )
    assert promise.status_code == 201, promise.text
    assert promise.json()["status"] == "open"
    assert promise.json()["invoice_ids"] == sorted([book["overdue"], book["current"]])
    assert api.get(f"{base}/promises").json()[0]["currency"] == "USD"

    hold = api.post(
        f"{base}/holds",
        json={
            "reason": "manual",
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=5)).isoformat(),
        },
    )
    assert hold.status_code == 201
    assert hold.json()["active"]
    bad = api.post(
        f"{base}/holds", json={"reason": "manual", "starts_on": "2024-05-02", "ends_on": "2024-05-01"}
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "hold_ends_before_start"
    released = api.post(f"{base}/holds/{hold.json()['id']}/release")
    assert released.status_code == 200
    assert not released.json()["active"]
    assert api.post(f"{base}/holds/{hold.json()['id']}/release").status_code == 409
    assert len(api.get(f"{base}/holds").json()) == 1

    dispute = api.post(
        f"{base}/disputes",
        json={"category": "quality", "amount_minor": 5_000, "invoice_ids": [book["overdue"]]},
    )
    assert dispute.status_code == 201, dispute.text
    above = api.post(
        f"{base}/disputes",
        json={"category": "quality", "amount_minor": 30_001, "invoice_ids": [book["overdue"]]},
    )
    assert above.status_code == 400
    assert above.json()["error"]["code"] == "dispute_above_open"
    resolved = api.post(
        f"{base}/disputes/{dispute.json()['id']}/resolve",
        json={"status": "resolved_rejected", "resolution": "goods were fine"},
    )
    assert resolved.status_code == 200
    assert resolved.json()["resolution"] == "goods were fine"
    assert api.get(f"{base}/disputes").json()[0]["status"] == "resolved_rejected"

    quality = api.get(f"{base}/data-quality").json()
    assert "no_consent" in [r["code"] for r in quality["reasons"]]  # the only contact opted out
    with sessions() as session:
        actions = {
            a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.actor.like("%otto%")))
        }
    assert {
        "contact.created",
        "touch.logged",
        "promise.recorded",
        "hold.added",
        "hold.released",
        "dispute.opened",
        "dispute.resolved",
    } <= actions


def test_cleo_cannot_reach_ottos_customer_in_any_way(
    signed_in: Callable[[str], TestClient], bearer: Callable[[str], TestClient], book: dict[str, int]
) -> None:
    theirs = book["otto_customer"]
    for client in (bearer("cleo"), signed_in("cleo")):
        assert [c["name"] for c in client.get("/api/v1/customers").json()["items"]] == ["Brightwater"]
        assert client.get("/api/v1/customers", params={"q": "hollis"}).json()["total"] == 0
        assert client.get("/api/v1/customers", params={"owner_id": book["otto"]}).json()["total"] == 0
        for path in ("", "/contacts", "/touches", "/promises", "/holds", "/disputes", "/data-quality"):
            assert client.get(f"/api/v1/customers/{theirs}{path}").status_code == 404, path
        refused = client.post(
            f"/api/v1/customers/{theirs}/touches", json={"channel": "call", "outcome": "reached"}
        )
        assert refused.status_code == 404
        assert (
            client.post(
                f"/api/v1/customers/{theirs}/holds",
                json={"reason": "manual", "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
            ).status_code
            == 404
        )
    browser = signed_in("cleo")
    assert browser.get(f"/customers/{theirs}").status_code == 404
    assert "Hollis Tools" not in browser.get("/customers", params={"q": "Hollis"}).text
    assert "Hollis Tools" not in browser.get("/customers", params={"owner": book["otto"]}).text
    form = browser.post(f"/customers/{theirs}/touches", data={"channel": "call", "outcome": "reached"})
    assert form.status_code == 404


def test_a_viewer_reads_but_cannot_write(bearer: Callable[[str], TestClient], book: dict[str, int]) -> None:
    vic = bearer("vic")
    base = f"/api/v1/customers/{book['otto_customer']}"
    assert vic.get("/api/v1/customers").json()["total"] == 2
    assert vic.get(base).status_code == 200
    for path, body in (
        ("/touches", {"channel": "call", "outcome": "reached"}),
        ("/contacts", {"name": "X", "email": "x@y.z"}),
        ("/disputes", {"category": "other", "amount_minor": 1}),
        ("/promises", {"promised_date": "2030-01-01", "amount_minor": 1}),
    ):
        assert vic.post(base + path, json=body).status_code == 403, path


def test_the_pages_show_the_customer_and_take_forms_with_csrf_only(
    signed_in: Callable[[str], TestClient], book: dict[str, int]
) -> None:
    otto = signed_in("otto")
    listing = otto.get("/customers", params={"sort": "overdue", "desc": "true"})
    assert listing.status_code == 200
    assert "Hollis Tools" in listing.text
    assert "<html" in listing.text
    fragment = otto.get("/customers", params={"q": "holl"}, headers={"HX-Request": "true"})
    assert "Hollis Tools" in fragment.text
    assert "<html" not in fragment.text
    assert "No customer matches" in otto.get("/customers", params={"q": "zzz"}).text
    page = otto.get(f"/customers/{book['otto_customer']}")
    assert page.status_code == 200
    assert "$400.00" in page.text
    assert "NET30" in page.text
    assert "No contacts yet" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    path = f"/customers/{book['otto_customer']}/holds"
    form = {
        "reason": "manual",
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=3)).isoformat(),
    }
    del otto.headers["X-CSRF-Token"]
    assert otto.post(path, data=form, follow_redirects=False).status_code == 403
    done = otto.post(path, data={**form, "csrf_token": csrf[1]}, follow_redirects=False)
    assert done.status_code == 303
    for url, data in (
        ("/touches", {"channel": "call", "outcome": "voicemail", "note": "left a message"}),
        (
            "/promises",
            {
                "promised_date": (date.today() + timedelta(days=3)).isoformat(),
                "amount": "50.00",
                "currency": "USD",
                "invoice_ids": str(book["overdue"]),
            },
        ),
        (
            "/disputes",
            {"category": "pricing", "amount": "20", "currency": "USD", "invoice_ids": str(book["overdue"])},
        ),
        (
            "/contacts",
            {
                "name": "Pat Hollis",
                "email": "pat@hollis.example",
                "consent_channel": "email",
                "given_by": "Pat",
                "source": "phone call",
            },
        ),
    ):
        answer = otto.post(
            f"/customers/{book['otto_customer']}{url}",
            data={**data, "csrf_token": csrf[1]},
            follow_redirects=False,
        )
        assert answer.status_code == 303, (url, answer.text)
    page = otto.get(f"/customers/{book['otto_customer']}").text
    assert "left a message" in page
    assert "Pat Hollis" in page
    assert "Release now" in page
    assert "Resolve" in page
    bad = otto.post(
        path,
        data={"reason": "manual", "starts_on": "2024-05-02", "ends_on": "2024-05-01", "csrf_token": csrf[1]},
    )
    assert bad.status_code == 400
    assert "before it starts" in bad.text


def test_amounts_in_different_currencies_are_never_added_up(
    bearer: Callable[[str], TestClient],
    signed_in: Callable[[str], TestClient],
    book: dict[str, int],
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        otto = session.get(Customer, book["otto_customer"])
        assert otto is not None
        for amount in ("50.00", "70.00", "90.00"):  # more items in EUR than the two in USD
            make_invoice(session, customer=otto, amount=amount, currency="EUR", issue_date=date.today())
    api = bearer("otto")
    listed = api.get("/api/v1/customers").json()["items"][0]
    # Most of its open items are in EUR: shown in EUR, the USD items counted apart, never summed in.
    assert (listed["currency"], listed["owed_minor"], listed["open_items"]) == ("EUR", 21_000, 3)
    assert listed["other_currencies"] == 1
    with sessions.begin() as session:
        otto = session.get(Customer, book["otto_customer"])
        assert otto is not None
        otto.currency = "USD"  # its own currency, once known, comes first
    one = api.get(f"/api/v1/customers/{book['otto_customer']}").json()
    assert (one["currency"], one["owed_minor"], one["overdue_minor"], one["other_currencies"]) == (
        "USD",
        40_000,
        30_000,
        1,
    )
    page = signed_in("otto").get("/customers").text
    assert "+ 1 other currency" in page
