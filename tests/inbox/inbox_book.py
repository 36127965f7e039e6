"""A small book for the inbox tests: a customer with a contact, open invoices with chosen numbers,
a reminder we sent them (with its SMTP Message-ID), and replies written as .eml bytes inline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.reminders import ReminderStatus
from dunwell.inbox.ingesting import RawMessage
from dunwell.orm import Contact, Customer, Invoice, Reminder, ReminderItem, User
from factories import make_customer, make_invoice

ADMIN = Principal.operator("inbox-test")
#: When the tests' replies arrive: inside every send window, so the guard decides on rules alone.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
SENT_REMINDER_ID = "<dunwell.0123456789abcdef@ar.example>"


@dataclass(frozen=True)
class Book:
    customer: Customer
    contact: Contact
    invoice: Invoice
    other_invoice: Invoice


def make_book(
    session: Session, *, email: str = "ap@client.example", numbers: tuple[str, str] = ("INV-7001", "INV-7002")
) -> Book:
    customer = make_customer(session)
    customer.currency = "EUR"
    contact = Contact(customer_id=customer.id, name="Accounts payable", email=email, is_role_mailbox=True)
    session.add(contact)
    invoices = []
    for number, amount in zip(numbers, ("1250.50", "300.00"), strict=True):
        invoice = make_invoice(
            session, customer=customer, amount=amount, currency="EUR", issue_date=date(2027, 1, 1)
        )
        invoice.number = number
        invoices.append(invoice)
    session.flush()
    return Book(customer, contact, invoices[0], invoices[1])


def make_sent_reminder(session: Session, book: Book, *, provider_ref: str = SENT_REMINDER_ID) -> Reminder:
    reminder = Reminder(
        key=f"{book.customer.id}:EUR:first:2027-03-01:email",
        customer_id=book.customer.id,
        contact_id=book.contact.id,
        currency="EUR",
        policy="default",
        step="first",
        step_index=0,
        tone="friendly",
        channel="email",
        language="en",
        planned_on=date(2027, 3, 1),
        send_after=datetime(2027, 3, 1, 9, tzinfo=UTC),
        status=ReminderStatus.SENT,
        reasons=[],
        total_minor=155_050,
        to_address=book.contact.email,
        subject="Payment reminder",
        body="Please pay.",
        document={},
        sent_at=datetime(2027, 3, 1, 9, tzinfo=UTC),
        provider_ref=provider_ref,
    )
    session.add(reminder)
    session.flush()
    session.add_all(
        ReminderItem(reminder_id=reminder.id, invoice_id=i.id, step_index=0, open_minor=i.open_amount_minor)
        for i in (book.invoice, book.other_invoice)
    )
    session.flush()
    return reminder


def collector(session: Session, login: str, *customers: Customer) -> Principal:
    """A collector who owns ``customers``."""
    user = User(login=login, name=login, role=UserRole.COLLECTOR)
    session.add(user)
    session.flush()
    for customer in customers:
        customer.owner_id = user.id
    session.flush()
    return Principal(actor=login, role=UserRole.COLLECTOR, user_id=user.id, portfolio=frozenset({user.id}))


def eml(
    body: str,
    *,
    sender: str = "ap@client.example",
    subject: str = "Re: Payment reminder",
    message_id: str | None = "<reply-1@client.example>",
    in_reply_to: str | None = None,
    references: str | None = None,
    sent: str = "Wed, 10 Mar 2027 09:00:00 +0000",
) -> bytes:
    headers = [f"From: Client AP <{sender}>", "To: ar@ar.example", f"Subject: {subject}", f"Date: {sent}"]
    threading = (("Message-ID", message_id), ("In-Reply-To", in_reply_to), ("References", references))
    headers += [f"{name}: {value}" for name, value in threading if value]
    headers += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def raw(name: str, data: bytes) -> RawMessage:
    return RawMessage(name, data)
