"""Storing replies (both databases): each tied to its customer by the strongest evidence (the thread
of a reminder we sent, the sender's address, the invoices it names), once per message, a bad file
reported without stopping the others, and each principal seeing only their portfolio's replies."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.errors import DunwellError
from dunwell.core.inbox import LinkedBy, ReplyState
from dunwell.inbox import service
from dunwell.inbox.ingesting import FileStatus, RawMessage, ingest, read_messages
from dunwell.orm import AuditEntry, ReceivedReply
from inbox.inbox_book import ADMIN, NOW, SENT_REMINDER_ID, collector, eml, make_book, make_sent_reminder, raw

PROMISE = "Hello, we will pay INV-7001 next Friday, 1,250.50 EUR.\n\nBest regards\nJohn"


def _stored(session: Session) -> list[ReceivedReply]:
    return list(session.scalars(select(ReceivedReply).order_by(ReceivedReply.id)))


@pytest.mark.parametrize("header", ["In-Reply-To", "References"])
def test_a_reply_to_a_reminder_we_sent_is_linked_by_its_thread(
    sessions: sessionmaker[Session], header: str
) -> None:
    with sessions.begin() as session:
        book = make_book(session)
        reminder = make_sent_reminder(session, book)
        thread = {"in_reply_to": SENT_REMINDER_ID} if header == "In-Reply-To" else {
            "references": f"<older@client.example> {SENT_REMINDER_ID}"
        }  # fmt: skip
        # From an address no contact has: the thread alone ties it to the reminder's customer.
        message = eml(PROMISE, sender="john@client.example", **thread)
        report = ingest(session, ADMIN, [raw("1-1.eml", message)], now=NOW)

        (reply,) = _stored(session)
        assert report.files[0].status is FileStatus.STORED
        assert (reply.linked_by, reply.customer_id, reply.reminder_id, reply.contact_id) == (
            LinkedBy.IN_REPLY_TO, book.customer.id, reminder.id, book.contact.id,
        )  # fmt: skip
        assert (reply.intent.value, reply.state) == ("promise_to_pay", ReplyState.SUGGESTED)
        assert (reply.promise_amount_minor, reply.currency, reply.invoice_refs) == (
            125_050,
            "EUR",
            ["INV-7001"],
        )
        assert reply.promise_date == date(2027, 3, 12)


def test_a_reply_from_a_contacts_address_is_linked_by_its_sender(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        book = make_book(session, email="AP@Client.example")
        ingest(
            session,
            ADMIN,
            [raw("a.eml", eml("We will pay next Friday.", sender="ap@client.example"))],
            now=NOW,
        )

        (reply,) = _stored(session)
        assert (reply.linked_by, reply.customer_id, reply.contact_id) == (
            LinkedBy.SENDER, book.customer.id, book.contact.id,
        )  # fmt: skip


def test_a_reply_naming_invoices_of_one_customer_is_linked_by_their_number(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        make_book(session, email="ap@first.example", numbers=("INV-1", "INV-2"))
        second = make_book(session, email="ap@second.example", numbers=("INV-8801", "INV-8802"))
        message = eml("Could you send me a copy of inv-8801?", sender="someone@else.example")
        ingest(session, ADMIN, [raw("a.eml", message)], now=NOW)

        (reply,) = _stored(session)
        assert (reply.linked_by, reply.customer_id, reply.contact_id) == (
            LinkedBy.INVOICE_REF, second.customer.id, None,
        )  # fmt: skip
        assert reply.intent.value == "invoice_copy_request"


def test_a_reply_nothing_ties_to_a_customer_is_kept_unlinked_with_the_reason(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        make_book(session)
        ingest(
            session,
            ADMIN,
            [raw("a.eml", eml("Thanks for your message.", sender="who@nowhere.example"))],
            now=NOW,
        )

        (reply,) = _stored(session)
        assert (reply.linked_by, reply.customer_id, reply.state) == (
            LinkedBy.NONE,
            None,
            ReplyState.SUGGESTED,
        )
        assert reply.attention is not None
        assert "who@nowhere.example is no contact's address" in reply.attention


def test_ingesting_again_stores_nothing_new(sessions: sessionmaker[Session]) -> None:
    without_id = eml("We will pay next Friday.", message_id=None)
    messages = [raw("1.eml", eml(PROMISE)), raw("2.eml", without_id)]
    with sessions.begin() as session:
        make_book(session)
        first = ingest(session, ADMIN, messages, now=NOW)
    with sessions.begin() as session:
        again = ingest(session, ADMIN, messages, now=NOW)
        stored = _stored(session)
        received = session.scalars(select(AuditEntry).where(AuditEntry.action == "reply.received")).all()

    assert [f.status for f in first.files] == [FileStatus.STORED, FileStatus.STORED]
    assert [f.status for f in again.files] == [FileStatus.ALREADY_STORED, FileStatus.ALREADY_STORED]
    assert [f.reply_id for f in again.files] == [f.reply_id for f in first.files]
    assert (len(stored), len(received)) == (2, 2)
    assert stored[0].message_id == "<reply-1@client.example>"
    assert stored[1].message_id.startswith("sha256:")  # no Message-ID: keyed by its bytes


def test_a_bad_file_is_reported_by_name_and_the_others_are_stored(sessions: sessionmaker[Session]) -> None:
    messages = [
        raw("1.eml", eml(PROMISE, message_id="<a@client.example>")),
        raw("2.eml", b"%PDF-1.7 this is not an e-mail"),
        RawMessage("3.eml", None, "cannot read the file: Permission denied"),
        raw("4.eml", eml("Thanks.", message_id="<b@client.example>")),
    ]
    with sessions.begin() as session:
        make_book(session)
        report = ingest(session, ADMIN, messages, now=NOW)

        assert [(f.file, f.status) for f in report.files] == [
            ("1.eml", FileStatus.STORED), ("2.eml", FileStatus.UNREADABLE),
            ("3.eml", FileStatus.UNREADABLE), ("4.eml", FileStatus.STORED),
        ]  # fmt: skip
        assert "no e-mail headers found" in (report.files[1].reason or "")
        assert report.files[2].reason == "cannot read the file: Permission denied"
        assert (report.as_dict()["stored"], report.as_dict()["unreadable"]) == (2, 2)
        assert len(_stored(session)) == 2


def test_a_folder_is_read_in_name_order_and_only_its_eml_files(tmp_path) -> None:
    (tmp_path / "b.eml").write_bytes(b"From: x@y.example\r\n\r\nhi")
    (tmp_path / "a.EML").write_bytes(b"From: x@y.example\r\n\r\nhi")
    (tmp_path / "notes.txt").write_text("not a message")

    assert [m.name for m in read_messages(tmp_path)] == ["a.EML", "b.eml"]
    assert [m.name for m in read_messages(tmp_path / "b.eml")] == ["b.eml"]
    with pytest.raises(DunwellError, match="no such file or folder"):
        read_messages(tmp_path / "missing")


def test_a_collector_sees_their_portfolios_replies_and_a_manager_sees_all(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        mine = make_book(session, email="ap@mine.example", numbers=("INV-11", "INV-12"))
        theirs = make_book(session, email="ap@theirs.example", numbers=("INV-21", "INV-22"))
        ana = collector(session, "ana", mine.customer)
        collector(session, "bo", theirs.customer)
        ingest(session, ADMIN, [
            raw("1.eml", eml("We will pay next Friday.", sender="ap@mine.example", message_id="<1@x>")),
            raw("2.eml", eml("We will pay next Friday.", sender="ap@theirs.example", message_id="<2@x>")),
            raw("3.eml", eml("Thanks.", sender="who@nowhere.example", message_id="<3@x>")),
        ], now=NOW)  # fmt: skip

        seen_by_ana = service.list_replies(session, ana)
        seen_by_manager = service.list_replies(session, ADMIN)
        theirs_id = next(r.id for r in seen_by_manager if r.customer_id == theirs.customer.id)
        unlinked_id = next(r.id for r in seen_by_manager if r.customer_id is None)

        assert [r.customer_id for r in seen_by_ana] == [mine.customer.id]
        assert len(seen_by_manager) == 3
        for hidden in (theirs_id, unlinked_id):
            with pytest.raises(DunwellError, match=f"no reply {hidden}"):
                service.reply(session, ana, hidden)
        with pytest.raises(DunwellError, match="only a manager"):
            ingest(session, ana, [raw("4.eml", eml("Thanks.", message_id="<4@x>"))], now=NOW)
