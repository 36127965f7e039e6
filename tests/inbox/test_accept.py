"""Accepting a reply's suggestion (both databases) creates what it suggests through the owning
services, audited with its author: a promise, a dispute, a hold, a contact; "already paid" gives a
search hint and posts nothing. A reply is decided once, must be linked first, and a collector
decides only for their own portfolio."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.core.collections import DisputeCategory, HoldReason
from dunwell.core.errors import DunwellError
from dunwell.core.inbox import LinkedBy, ReplyState
from dunwell.inbox import service
from dunwell.inbox.acting import ReplyEdits
from dunwell.inbox.ingesting import ingest
from dunwell.orm import (
    Allocation,
    AuditEntry,
    Contact,
    Dispute,
    DisputeInvoice,
    Hold,
    PromiseInvoice,
    PromiseToPay,
    ReceivedReply,
)
from inbox.inbox_book import (
    ADMIN,
    NOW,
    SENT_REMINDER_ID,
    Book,
    collector,
    eml,
    make_book,
    make_sent_reminder,
    raw,
)

TODAY = date(2027, 3, 10)


def _ingested(session: Session, body: str, **headers: str) -> ReceivedReply:
    report = ingest(session, ADMIN, [raw("r.eml", eml(body, **headers))], now=NOW)
    found = session.get(ReceivedReply, report.files[0].reply_id)
    assert found is not None
    return found


def _audit(session: Session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_accepting_a_promise_records_it_with_the_replys_day_amount_and_invoice(session: Session) -> None:
    book = make_book(session)
    reply = _ingested(session, "Hello, we will pay INV-7001 next Friday, 1,250.50 EUR.\n\nBest regards\nJohn")

    accepted = service.accept(session, ADMIN, reply.id, today=TODAY)

    promise = session.scalars(select(PromiseToPay)).one()
    assert (promise.promised_date, promise.amount_minor, promise.currency) == (
        date(2027, 3, 12),
        125_050,
        "EUR",
    )
    assert (promise.made_on, promise.contact_id, promise.recorded_by) == (
        TODAY,
        book.contact.id,
        "inbox-test",
    )
    assert session.scalars(select(PromiseInvoice.invoice_id)).all() == [book.invoice.id]
    assert (accepted.state, accepted.decided_by) == (ReplyState.ACCEPTED, "inbox-test")
    assert accepted.outcome["promise_id"] == promise.id
    (entry,) = _audit(session, "reply.accepted")
    assert (entry.actor, entry.subject_id, entry.details["outcome"]["promise_id"]) == (
        "inbox-test", str(reply.id), promise.id,
    )  # fmt: skip
    assert len(_audit(session, "promise.recorded")) == 1


def test_a_promise_naming_no_invoice_covers_the_customers_open_items(session: Session) -> None:
    book = make_book(session)
    reply = _ingested(session, "We will pay the open balance next Friday.")

    service.accept(session, ADMIN, reply.id, today=TODAY)

    promise = session.scalars(select(PromiseToPay)).one()
    assert promise.amount_minor == 125_050 + 30_000  # no amount stated: what is open
    assert sorted(session.scalars(select(PromiseInvoice.invoice_id))) == sorted(
        [book.invoice.id, book.other_invoice.id]
    )


def test_accepting_a_dispute_opens_it_on_the_invoices_named_with_the_category(session: Session) -> None:
    book = make_book(session)
    reply = _ingested(session, "The price on INV-7002 is wrong, we were quoted 10% less.")

    accepted = service.accept(session, ADMIN, reply.id, today=TODAY)

    dispute = session.scalars(select(Dispute)).one()
    assert (dispute.category, dispute.amount_minor, dispute.opened_on) == (
        DisputeCategory.PRICING,
        30_000,
        TODAY,
    )
    assert session.scalars(select(DisputeInvoice.invoice_id)).all() == [book.other_invoice.id]
    assert book.other_invoice.disputed is True
    assert accepted.outcome == {
        "dispute_id": dispute.id,
        "invoice_ids": [book.other_invoice.id],
        "category": "pricing",
    }
    assert len(_audit(session, "dispute.opened")) == 1


def test_a_dispute_naming_no_invoice_covers_the_items_of_the_reminder_it_answers(session: Session) -> None:
    book = make_book(session)
    make_sent_reminder(session, book)
    reply = _ingested(session, "We dispute this, the goods arrived damaged.", in_reply_to=SENT_REMINDER_ID)

    service.accept(session, ADMIN, reply.id, today=TODAY)

    dispute = session.scalars(select(Dispute)).one()
    assert (dispute.category, dispute.amount_minor) == (DisputeCategory.QUALITY, 155_050)


def test_accepting_an_absence_holds_the_customer_until_the_return_day(session: Session) -> None:
    book = make_book(session)
    reply = _ingested(session, "I am out of the office and back on 22 March 2027.")

    accepted = service.accept(session, ADMIN, reply.id, today=TODAY)

    hold = session.scalars(select(Hold)).one()
    assert (hold.customer_id, hold.reason, hold.starts_on, hold.ends_on) == (
        book.customer.id, HoldReason.MANUAL, TODAY, date(2027, 3, 22),
    )  # fmt: skip
    assert accepted.outcome == {"hold_id": hold.id, "until": "2027-03-22"}
    assert len(_audit(session, "hold.added")) == 1


def test_accepting_a_wrong_contact_adds_the_one_named_and_marks_the_old_one(session: Session) -> None:
    book = make_book(session, email="old@client.example")
    reply = _ingested(
        session, "I no longer work here, please write to ap@client.example.", sender="old@client.example"
    )

    accepted = service.accept(session, ADMIN, reply.id, today=TODAY)

    new = session.scalars(select(Contact).where(Contact.email == "ap@client.example")).one()
    assert (new.customer_id, accepted.outcome) == (
        book.customer.id, {"flagged_contact_id": book.contact.id, "new_contact_id": new.id},
    )  # fmt: skip
    assert book.contact.email_undeliverable_at is not None
    assert "not the right contact" in (book.contact.delivery_error or "")
    assert len(_audit(session, "contact.created")) == len(_audit(session, "contact.flagged_wrong")) == 1


def test_already_paid_gives_a_search_hint_and_posts_nothing(session: Session) -> None:
    book = make_book(session)
    reply = _ingested(session, "We already paid this on 3 March, transfer of 400.00 EUR, reference INV-7001.")

    accepted = service.accept(session, ADMIN, reply.id, today=TODAY)

    assert accepted.outcome == {"search_hint": {
        "customer_id": book.customer.id, "amount": "400.00", "currency": "EUR", "paid_on": "2027-03-03",
        "references": ["INV-7001"],
    }}  # fmt: skip
    assert session.scalars(select(Allocation)).all() == []
    assert book.invoice.open_amount_minor == 125_050


def test_a_reply_is_decided_once(session: Session) -> None:
    make_book(session)
    promised = _ingested(session, "We will pay INV-7001 next Friday.")
    thanked = _ingested(session, "Thanks for your message.", message_id="<thanks@client.example>")
    service.accept(session, ADMIN, promised.id, today=TODAY)

    with pytest.raises(DunwellError, match="already accepted by inbox-test") as twice:
        service.accept(session, ADMIN, promised.id, today=TODAY)
    assert twice.value.kind.value == "conflict"
    assert len(session.scalars(select(PromiseToPay)).all()) == 1
    with pytest.raises(DunwellError, match="say why"):
        service.reject(session, ADMIN, thanked.id, "  ")
    rejected = service.reject(session, ADMIN, thanked.id, "a thank-you, nothing to do")
    assert (rejected.state, rejected.decision_note) == (ReplyState.REJECTED, "a thank-you, nothing to do")
    with pytest.raises(DunwellError, match="already rejected"):
        service.accept(session, ADMIN, thanked.id, today=TODAY)
    (entry,) = _audit(session, "reply.rejected")
    assert (entry.actor, entry.details["reason"]) == ("inbox-test", "a thank-you, nothing to do")


def test_an_unlinked_reply_is_accepted_only_once_linked_by_hand(session: Session) -> None:
    book = make_book(session)
    reply = _ingested(session, "We will pay next Friday, 300.00 EUR.", sender="cfo@client.example")
    assert reply.linked_by is LinkedBy.NONE

    with pytest.raises(DunwellError, match="not linked to a customer: accept it with the customer's id"):
        service.accept(session, ADMIN, reply.id, today=TODAY)
    accepted = service.accept(session, ADMIN, reply.id, ReplyEdits(customer_id=book.customer.id), today=TODAY)

    assert (accepted.linked_by, accepted.customer_id) == (LinkedBy.BY_HAND, book.customer.id)
    assert session.scalars(select(PromiseToPay.amount_minor)).one() == 30_000


def _two_portfolios(session: Session) -> tuple[Book, Book, ReceivedReply]:
    mine = make_book(session, email="ap@mine.example", numbers=("INV-11", "INV-12"))
    theirs = make_book(session, email="ap@theirs.example", numbers=("INV-21", "INV-22"))
    return mine, theirs, _ingested(session, "We will pay next Friday.", sender="ap@theirs.example")


def test_a_collector_decides_only_for_their_portfolio(session: Session) -> None:
    mine, _, theirs_reply = _two_portfolios(session)
    ana = collector(session, "ana", mine.customer)

    for decide in (
        lambda: service.accept(session, ana, theirs_reply.id, today=TODAY),
        lambda: service.reject(session, ana, theirs_reply.id, "not mine"),
        lambda: service.accept(
            session, ana, theirs_reply.id, ReplyEdits(customer_id=mine.customer.id), today=TODAY
        ),
    ):
        with pytest.raises(DunwellError, match=f"no reply {theirs_reply.id}"):
            decide()
    assert theirs_reply.state is ReplyState.SUGGESTED
