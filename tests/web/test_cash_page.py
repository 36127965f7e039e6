"""The cash application workplace and its API: the queue of a small book after a real camt.053
import and matching run, confirm/reject/split through the API and the page (HTMX and plain forms,
with CSRF), statement uploads, write-off approval and who may do what (both databases)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cashapp.helpers import ENTITY
from cashapp.owned import ENTRIES, owned_book, statement
from dunwell.cashapp.workplace import MAX_UPLOAD_BYTES
from dunwell.core.settlement import SettleReason
from dunwell.orm import Allocation, AuditEntry, CashMatch, Invoice, Payment
from dunwell.settlements import write_offs
from web.conftest import People

SignedIn = Callable[[str], TestClient]
Bearer = Callable[[str], TestClient]
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Cash:
    matches: dict[str, int]  # by the statement entry's reference
    payments: dict[str, int]
    invoices: dict[str, int]  # by number


@pytest.fixture
def book(people: People, sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        found = owned_book(session)
        return {number: invoice.id for number, invoice in found.invoices.items()}


@pytest.fixture
def cash(book: dict[str, int], api: Bearer, sessions: sessionmaker[Session]) -> Cash:
    """The statement imported and matched through the API, as a manager would."""
    manager = api("max")
    imported = manager.post(
        "/api/v1/cash/statements", files={"file": ("feb.xml", statement())}, data={"entity": ENTITY}
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["payments_created"] == len(ENTRIES)
    ran = manager.post("/api/v1/cash/run", json={"as_of": "2024-02-29"})
    assert ran.status_code == 201, ran.text
    assert ran.json()["counts"]["suggested"] == 2
    with sessions() as session:
        rows = session.execute(
            select(Payment.bank_reference, Payment.id, CashMatch.id).join(
                CashMatch, CashMatch.payment_id == Payment.id
            )
        ).all()
    return Cash({r: m for r, _, m in rows}, {r: p for r, p, _ in rows}, book)


@pytest.fixture
def api(bearer: Bearer) -> Bearer:
    """``api("cleo")``: one token client per person (a second token of the same name is refused)."""
    clients: dict[str, TestClient] = {}

    def client(login: str) -> TestClient:
        if login not in clients:
            clients[login] = bearer(login)
        return clients[login]

    return client


def _allocations(sessions: sessionmaker[Session]) -> list[Allocation]:
    with sessions() as session:
        return list(session.scalars(select(Allocation)))


def test_the_queue_shows_each_person_their_cash_with_candidates_and_evidence(
    cash: Cash, signed_in: SignedIn, api: Bearer
) -> None:
    cleo = signed_in("cleo").get("/cash")
    assert cleo.status_code == 200
    assert 'aria-current="page">Cash application' in cleo.text.replace('href="/cash" ', "")
    assert "Zenith Holdings" in cleo.text
    assert "Acme Trading Inc" in cleo.text
    assert "Bolt Industries" not in cleo.text  # otto's customer's cash
    assert "Nobody" in cleo.text  # unidentified cash is everyone's
    assert "Payer name" in cleo.text or "Reference" in cleo.text  # evidence signals, readable
    assert 'action="/cash/matches/' in cleo.text
    assert "Run matching" not in cleo.text  # managers only

    viewer = signed_in("vic").get("/cash")
    assert "Bolt Industries" in viewer.text
    assert "Zenith Holdings" in viewer.text
    assert 'action="/cash/matches/' not in viewer.text
    assert "/cash/statements" not in viewer.text
    assert "Run matching" in signed_in("max").get("/cash").text

    first = api("cleo").get("/api/v1/cash/review", params={"per_page": 1})
    assert first.status_code == 200
    body = first.json()
    assert (body["total"], body["pages"], len(body["items"])) == (2, 2, 1)
    assert body["items"][0]["payer_name"] == "Nobody"  # newest first
    second = api("cleo").get("/api/v1/cash/review", params={"page": 2, "per_page": 1}).json()["items"][0]
    candidate = second["candidates"][0]
    assert (candidate["index"], candidate["name"]) == (0, "Acme Trading Inc")
    assert {"signal", "detail", "weight"} <= set(candidate["evidence"][0])


def test_confirm_and_reject_through_the_api(cash: Cash, api: Bearer, sessions: sessionmaker[Session]) -> None:
    cleo = api("cleo")
    refused = cleo.post(f"/api/v1/cash/matches/{cash.matches['E-1']}/confirm", json={"candidate": 0})
    assert refused.status_code == 404  # Bolt is otto's: not cleo's to know
    assert refused.json()["error"]["kind"] == "not_found"
    assert api("vic").post(f"/api/v1/cash/matches/{cash.matches['E-2']}/confirm", json={}).status_code == 403
    assert _allocations(sessions) == []

    done = cleo.post(f"/api/v1/cash/matches/{cash.matches['E-2']}/confirm", json={"candidate": 0})
    assert done.status_code == 200, done.text
    assert (done.json()["decision"], len(done.json()["allocation_ids"])) == ("confirmed", 1)
    again = cleo.post(f"/api/v1/cash/matches/{cash.matches['E-2']}/confirm", json={"candidate": 0})
    assert again.status_code == 409
    assert (
        cleo.post(f"/api/v1/cash/matches/{cash.matches['E-2']}/confirm", json={"candidate": -1}).status_code
        == 422
    )

    otto = api("otto")
    rejected = otto.post(f"/api/v1/cash/matches/{cash.matches['E-1']}/reject", json={"reason": "not theirs"})
    assert rejected.status_code == 200
    assert rejected.json()["decision"] == "rejected"
    with sessions() as session:
        match = session.get(CashMatch, cash.matches["E-1"])
        assert match is not None
        assert (match.decided_by, match.decision_note) == (
            "token:test-otto@otto",
            "not theirs",
        )


def test_a_revoked_token_fails(cash: Cash, api: Bearer) -> None:
    script = api("otto")
    issued = script.post("/api/v1/tokens", json={"name": "laptop"}).json()
    laptop = TestClient(script.app, headers={"Authorization": f"Bearer {issued['token']}"})
    assert laptop.get("/api/v1/cash/review").status_code == 200
    assert script.delete(f"/api/v1/tokens/{issued['id']}").status_code == 204
    assert laptop.get("/api/v1/cash/review").status_code == 401
    assert laptop.post(f"/api/v1/cash/matches/{cash.matches['E-1']}/confirm", json={}).status_code == 401


def test_confirm_and_reject_through_the_page_with_csrf(
    cash: Cash, signed_in: SignedIn, sessions: sessionmaker[Session]
) -> None:
    cleo = signed_in("cleo")
    url = f"/cash/matches/{cash.matches['E-2']}/confirm"
    forged = cleo.post(url, data={"candidate": "0"}, headers={"X-CSRF-Token": "forged", **HTMX})
    assert forged.status_code == 403
    token = cleo.headers.pop("X-CSRF-Token")
    assert cleo.post(url, data={"candidate": "0"}).status_code == 403  # no token at all
    assert _allocations(sessions) == []

    # Someone else's customer: a plain form gets the error page, HTMX the row with the refusal.
    other = f"/cash/matches/{cash.matches['E-1']}/confirm"
    assert (
        cleo.post(other, data={"candidate": "0", "csrf_token": token}, follow_redirects=False).status_code
        == 404
    )
    swapped = cleo.post(other, data={"candidate": "0"}, headers={"X-CSRF-Token": token, **HTMX})
    assert swapped.status_code == 200
    assert f"no match {cash.matches['E-1']}" in swapped.text
    assert "Bolt" not in swapped.text
    assert _allocations(sessions) == []

    plain = cleo.post(url, data={"candidate": "0", "csrf_token": token}, follow_redirects=False)
    assert (plain.status_code, plain.headers["location"]) == (303, "/cash")
    assert len(_allocations(sessions)) == 1

    otto = signed_in("otto")
    row = otto.post(
        f"/cash/matches/{cash.matches['E-1']}/reject", data={"candidate": "0", "reason": "fee?"}, headers=HTMX
    )
    assert row.status_code == 200
    assert f'id="match-{cash.matches["E-1"]}"' in row.text
    assert "Rejected" in row.text
    assert "rejected before" in row.text  # still waiting, for another candidate or a split
    assert signed_in("vic").post(url, data={"candidate": "0"}, headers=HTMX).status_code == 403


def test_split_through_the_api_and_the_page(
    cash: Cash, api: Bearer, signed_in: SignedIn, sessions: sessionmaker[Session]
) -> None:
    nobody = cash.payments["E-3"]  # 12.34, unidentified
    url = f"/api/v1/cash/payments/{nobody}/split"
    crane, acme = cash.invoices["90000005"], cash.invoices["90000002"]
    too_much = api("max").post(url, json={"allocations": [{"invoice_id": crane, "amount": "12.35"}]})
    assert too_much.status_code == 400
    assert "more than the payment's unapplied" in too_much.json()["error"]["message"]
    assert api("max").post(url, json={"allocations": []}).status_code == 422
    assert (
        api("cleo")
        .post(url, json={"allocations": [{"invoice_id": cash.invoices["90000003"], "amount": "1.00"}]})
        .status_code
        == 404
    )
    assert (
        api("vic").post(url, json={"allocations": [{"invoice_id": crane, "amount": "1"}]}).status_code == 403
    )

    done = api("max").post(
        url,
        json={
            "allocations": [{"invoice_id": crane, "amount": "10.00"}, {"invoice_id": acme, "amount": "1.34"}]
        },
    )
    assert done.status_code == 201, done.text
    assert (done.json()["applied_minor"], done.json()["unapplied_minor"]) == (1134, 100)

    cleo = signed_in("cleo")
    form = cleo.get(f"/cash/payments/{nobody}/split", headers=HTMX)
    assert form.status_code == 200
    assert "Apply the split" in form.text
    assert cleo.get(f"/cash/payments/{nobody}/split").text.count("<html") == 1  # a page without HTMX
    refused = cleo.post(
        f"/cash/payments/{nobody}/split", data={"number": "90000002", "number_amount": "5.00"}, headers=HTMX
    )
    assert refused.status_code == 200
    assert "more than the payment" in refused.text
    row = cleo.post(
        f"/cash/payments/{nobody}/split", data={"number": "90000002", "number_amount": "1.00"}, headers=HTMX
    )
    assert "Split: 1 allocation(s)" in row.text
    with sessions() as session:
        assert session.get(Payment, nobody).unapplied_minor == 0  # type: ignore[union-attr]
        assert session.get(Invoice, acme).open_amount_minor == 25000 - 234  # type: ignore[union-attr]
        actors = {
            e.actor for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "cashapp.split"))
        }
    assert actors == {"token:test-max@max", "cleo"}


def test_uploads_good_oversize_and_broken(
    book: dict[str, int], signed_in: SignedIn, api: Bearer, sessions: sessionmaker[Session]
) -> None:
    cleo = signed_in("cleo")
    good = cleo.post("/cash/statements", files={"file": ("feb.xml", statement())}, data={"entity": ENTITY})
    assert good.status_code == 200, good.text
    assert re.search(r'data-field="payments-created">3<', good.text)
    again = cleo.post("/cash/statements", files={"file": ("feb.xml", statement())})
    assert "1 already imported" in again.text
    assert 'data-field="payments-created">0<' in again.text

    big = b"x" * (MAX_UPLOAD_BYTES + 1)
    refused = cleo.post("/cash/statements", files={"file": ("big.xml", big)})
    assert refused.status_code == 413
    assert "larger than 10 MB" in refused.text
    assert api("max").post("/api/v1/cash/statements", files={"file": ("big.xml", big)}).status_code == 413

    broken = (
        statement()
        .decode()
        .replace("<Dt>2024-02-03</Dt>", "<Dt>2024-02-3x</Dt>", 1)
        .replace("S-2024-02", "S-X")
    )
    shown = cleo.post("/cash/statements", files={"file": ("bad.xml", broken.encode())})
    assert shown.status_code == 200
    problem = re.search(r'<tr class="problem"><td class="num">(\d+)</td><td>bad entry</td>', shown.text)
    assert problem is not None
    assert int(problem[1]) > 1

    unreadable = (
        b"<?xml version='1.0'?>\n<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'>\n"
        b"<BkToCstmrStmt><Stmt>\n</Document>\n"
    )
    error = cleo.post("/cash/statements", files={"file": ("cut.xml", unreadable)})
    assert error.status_code == 400
    assert "line 4" in error.text
    refused_api = api("max").post("/api/v1/cash/statements", files={"file": ("cut.xml", unreadable)})
    assert refused_api.status_code == 400
    assert "line 4" in refused_api.json()["error"]["message"]
    assert (
        signed_in("vic").post("/cash/statements", files={"file": ("feb.xml", statement())}).status_code == 403
    )
    with sessions() as session:
        assert len(session.scalars(select(Payment)).all()) == 3


def test_runs_are_for_managers(book: dict[str, int], api: Bearer, signed_in: SignedIn) -> None:
    assert api("cleo").post("/api/v1/cash/run", json={}).status_code == 403
    run = signed_in("max").post("/cash/run", data={"as_of": "2024-02-29"}, headers=HTMX)
    assert run.status_code == 200
    assert "Run " in run.text
    assert "0 payment(s)" in run.text


def test_write_offs_wait_for_another_person(
    cash: Cash, api: Bearer, signed_in: SignedIn, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        request = write_offs.propose(
            session,
            invoice_id=cash.invoices["90000002"],
            amount_minor=5000,
            reason=SettleReason.BAD_DEBT,
            effective_on=ENTRIES[0].day,
            actor="cleo",
        )
        second = write_offs.propose(
            session,
            invoice_id=cash.invoices["90000001"],
            amount_minor=1000,
            reason=SettleReason.BAD_DEBT,
            effective_on=ENTRIES[0].day,
            actor="max",
        )
        ids = request.id, second.id
    listed = api("cleo").get("/api/v1/write-offs")
    assert [w["id"] for w in listed.json()] == [ids[1], ids[0]]
    assert api("otto").get("/api/v1/write-offs").json() == []
    # Above the policy, money given up is a manager's decision: a collector neither approves nor refuses.
    collector = api("cleo").post(f"/api/v1/write-offs/{ids[0]}/approve", json={})
    assert (collector.status_code, collector.json()["error"]["code"]) == (403, "forbidden")
    assert api("cleo").post(f"/api/v1/write-offs/{ids[0]}/reject", json={"note": "no"}).status_code == 403
    own = api("max").post(f"/api/v1/write-offs/{ids[1]}/approve", json={})
    assert (own.status_code, own.json()["error"]["code"]) == (403, "own_write_off")
    assert api("max").post(f"/api/v1/write-offs/{ids[0]}/reject", json={}).status_code == 422
    approved = api("max").post(f"/api/v1/write-offs/{ids[0]}/approve", json={"note": "gone"})
    assert (approved.status_code, approved.json()["status"]) == (200, "posted")

    page = signed_in("cleo").get("/cash").text
    assert "A manager decides" in page
    assert f"/cash/write-offs/{ids[1]}/approve" not in page
    max_ = signed_in("max")
    assert "Your own request" in max_.get("/cash").text
    row = max_.post(f"/cash/write-offs/{ids[1]}/reject", data={"note": "they will pay"}, headers=HTMX)
    assert row.status_code == 200
    assert "Refused" in row.text
    assert api("max").get("/api/v1/write-offs").json() == []
