"""One invoice through the API and its page: facts, prediction, settlements with reversals, the
changes imports made; an invoice of another collector's customer does not exist for a collector."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.documents import DocumentKind, SettlementKind
from dunwell.core.money import Money
from dunwell.orm import Customer, Invoice, InvoicePrediction, InvoiceRevision, ScoringRun
from dunwell.settlements.posting import allocate, apply_credit, reverse_allocation, settle_without_cash
from factories import make_entity, make_invoice, make_payment
from web.conftest import People
from web.small_book import Book, build_book, numbered
from web.test_dashboard import registered_model

Client = Callable[[str], TestClient]


@pytest.fixture
def book(sessions: sessionmaker[Session], people: People) -> Book:
    """The small book, and on A-1 (1,000.00; 400.00 paid on 2024-02-20): 100.00 paid on 2024-02-25
    and reversed on 2024-02-28, a 50.00 credit memo, a 5.00 deduction, a 20.00 write-off, a due
    date moved by an import, and a prediction."""
    with sessions.begin() as session:
        found = build_book(session)
        a1 = session.get(Invoice, found.a1)
        customer = session.get(Customer, found.cleos)
        assert a1 is not None
        assert customer is not None
        cash = make_payment(session, customer=customer, amount="100.00", value_date=date(2024, 2, 25))
        bounced = allocate(
            session,
            payment_id=cash.id,
            invoice_id=a1.id,
            amount=Money.of("100.00", "USD"),
            applied_on=date(2024, 2, 25),
            actor="cleo",
        )
        reverse_allocation(
            session,
            bounced.allocation_id,
            reversed_on=date(2024, 2, 28),
            actor="max",
            reason="cheque bounced",
        )
        memo = numbered(
            make_invoice(
                session,
                customer=customer,
                amount="-50.00",
                issue_date=date(2024, 2, 1),
                due_days=0,
                kind=DocumentKind.CREDIT_MEMO,
            ),
            "CM-1",
        )
        apply_credit(session, memo=memo, invoice=a1, amount_minor=5000, on=date(2024, 3, 1), actor="cleo")
        settle_without_cash(
            session,
            invoice=a1,
            kind=SettlementKind.DEDUCTION,
            amount_minor=500,
            on=date(2024, 3, 2),
            actor="cleo",
        )
        settle_without_cash(
            session,
            invoice=a1,
            kind=SettlementKind.WRITE_OFF,
            amount_minor=2000,
            on=date(2024, 3, 3),
            actor="max",
        )
        session.add(
            InvoiceRevision(
                invoice_id=a1.id,
                recorded_at=datetime(2024, 1, 20, tzinfo=UTC),
                effective_on=date(2024, 1, 20),
                changes={"due_date": ["2024-02-01", "2024-02-09"]},
            )
        )
        model = registered_model(version=1)
        session.add(model)
        session.flush()
        run = ScoringRun(model_id=model.id, as_of=date(2024, 3, 31), invoices=1, profile={})
        session.add(run)
        session.flush()
        session.add(
            InvoicePrediction(
                run_id=run.id,
                model_id=model.id,
                invoice_id=a1.id,
                as_of=date(2024, 3, 31),
                p10_date=date(2024, 4, 5),
                p50_date=date(2024, 4, 19),
                p90_date=date(2024, 5, 20),
                risk_late=0.9,
                risk_late30=0.6,
                risk_late60=0.25,
                reasons=[
                    "paid 12 days late on average (+8 days)",
                    "P50 19 days",
                    "risk: history of late payment",
                ],
            )
        )
    return found


def test_the_api_gives_the_invoice_its_prediction_settlements_and_history(book: Book, bearer: Client) -> None:
    response = bearer("cleo").get("/api/v1/invoices/A-1")
    assert response.status_code == 200, response.text
    inv = response.json()
    # 1,000 − 400 paid − 50 credit − 5 deduction − 20 written off (the 100 was reversed)
    assert (inv["amount"], inv["open_amount"], inv["status"]) == ("1000.00", "525.00", "partial")
    kinds = [(a["kind"], a["amount"], a["reversed_on"]) for a in inv["allocations"]]
    assert kinds == [
        ("payment", "400.00", None),
        ("payment", "100.00", "2024-02-28"),
        ("credit", "50.00", None),
        ("deduction", "5.00", None),
        ("write_off", "20.00", None),
    ]
    assert inv["allocations"][1]["reversal_reason"] == "cheque bounced"
    assert inv["allocations"][2]["credit_memo"] == "CM-1"
    assert inv["allocations"][0]["payment"]["value_date"] == "2024-02-20"
    assert inv["revisions"][0]["changes"] == [{"field": "due_date", "old": "2024-02-01", "new": "2024-02-09"}]
    prediction = inv["prediction"]
    assert (prediction["p50_date"], prediction["model_version"]) == ("2024-04-19", 1)
    assert prediction["risk_reasons"] == ["history of late payment"]


def test_the_invoice_page_shows_the_same(book: Book, signed_in: Client) -> None:
    page = signed_in("cleo").get("/invoices/A-1")
    assert page.status_code == 200, page.text
    text = page.text
    assert '<dd data-field="open">$525.00</dd>' in text
    assert '<p class="figure" data-field="p50">Apr 19, 2024</p>' in text
    assert "90 %" in text
    assert "history of late payment" in text
    assert 'class="reversed"' in text
    assert "cheque bounced" in text
    assert "credit memo <a" in text
    assert "write off" in text
    assert "due date" in text
    assert "2024-02-01" in text
    empty = signed_in("cleo").get("/invoices/A-2").text
    assert "No prediction yet" in empty
    assert "Nothing applied yet" in empty
    assert "No change since" in empty


def test_another_collectors_invoice_is_not_found_for_a_collector(
    book: Book, bearer: Client, signed_in: Client
) -> None:
    api = bearer("cleo").get("/api/v1/invoices/B-1")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "invoice_not_found"
    assert signed_in("cleo").get("/invoices/B-1").status_code == 404
    assert bearer("otto").get("/api/v1/invoices/B-1").status_code == 200
    assert bearer("vic").get("/api/v1/invoices/B-1").status_code == 200
    assert signed_in("max").get("/invoices/B-1").status_code == 200


def test_a_number_in_several_entities_needs_the_entity(
    book: Book, sessions: sessionmaker[Session], bearer: Client, signed_in: Client
) -> None:
    with sessions.begin() as session:
        other = make_entity(session, code="E3")
        numbered(make_invoice(session, amount="70.00", customer=_customer(session, other.id)), "A-1")
    manager = bearer("max")
    assert manager.get("/api/v1/invoices/A-1").status_code == 400
    assert manager.get("/api/v1/invoices/A-1", params={"entity": "E3"}).json()["amount"] == "70.00"
    assert signed_in("max").get("/invoices/A-1?entity=E1").status_code == 200
    # the other A-1 is nobody's: for cleo there is only hers
    assert bearer("cleo").get("/api/v1/invoices/A-1").json()["entity"] == "E1"
    assert manager.get("/api/v1/invoices/NOPE").status_code == 404


def _customer(session: Session, entity_id: int) -> Customer:
    customer = Customer(entity_id=entity_id, external_id="C-NOBODY", name="Nobody's")
    session.add(customer)
    session.flush()
    return customer
