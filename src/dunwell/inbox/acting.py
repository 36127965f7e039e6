"""What accepting a reply does, by its intent, through the services that own each record: a promise
(``collections.service``), a dispute (``collections.disputes``), a hold (``collections.service``),
a contact (``customers.contacts``). Each returns what it created, for the reply's ``outcome``.

The invoices are those the customer named (their open ones of this customer), else for a promise
the customer's open items and for a dispute the items of the reminder it answers; amounts and days
are the reply's unless the person accepting gave others."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from dunwell.collections.disputes import DisputeInput, open_dispute
from dunwell.collections.service import HoldInput, PromiseInput, add_hold, record_promise
from dunwell.core.access import Principal
from dunwell.core.collections import DisputeCategory, HoldReason
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money, minor_to_decimal
from dunwell.customers.contacts import ContactInput, add_contact
from dunwell.inbox.repository import InboxRepository
from dunwell.kit.audit import record
from dunwell.orm.inbox import ReceivedReply
from dunwell.orm.invoice import Invoice


@dataclass(frozen=True, slots=True)
class ReplyEdits:
    """What the person accepting corrects or adds; None keeps the reply's reading."""

    #: Link an unlinked reply (or relink a wrong one) to this customer.
    customer_id: int | None = None
    contact_id: int | None = None
    #: The promised day, or the day an absent contact returns.
    day: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    invoice_ids: tuple[int, ...] = ()
    dispute_category: str | None = None
    new_contact: str | None = None


def invalid(message: str, code: str) -> DunwellError:
    return DunwellError(message, code=code, kind=ErrorKind.INVALID)


def reply_day(reply: ReceivedReply) -> date:
    """The day the customer wrote (their Date header), else the day it arrived."""
    return (reply.sent_at or reply.received_at).date()


def promise(
    session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
) -> dict[str, Any]:
    customer_id = _customer(reply)
    promised = edits.day or reply.promise_date
    if promised is None:
        raise invalid("the reply states no day to pay by: give the promised day", "no_promise_date")
    currency = (edits.currency or reply.currency or "").upper() or None
    invoices = _named(session, reply, edits) or _open_items(session, customer_id, currency)
    if edits.amount is not None:
        amount_minor = Money.of(edits.amount, currency or invoices[0].currency).to_minor()
    elif reply.promise_amount_minor is not None:
        amount_minor = reply.promise_amount_minor
    else:
        amount_minor = sum(i.open_amount_minor for i in invoices)  # no amount stated: what is open
    data = PromiseInput(
        promised_date=promised,
        amount_minor=amount_minor,
        invoice_ids=tuple(i.id for i in invoices),
        currency=currency,
        contact_id=reply.contact_id,
        made_on=reply_day(reply),
    )
    view = record_promise(session, principal, customer_id, data)
    return {
        "promise_id": view.promise.id,
        "invoice_ids": view.invoice_ids,
        "amount_minor": view.promise.amount_minor,
        "currency": view.promise.currency,
        "promised_date": promised.isoformat(),
    }


def dispute(
    session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
) -> dict[str, Any]:
    customer_id = _customer(reply)
    repo = InboxRepository(session)
    invoices = _named(session, reply, edits)
    if not invoices and reply.reminder_id is not None:
        invoices = repo.open_invoices(customer_id, ids=repo.reminder_invoice_ids(reply.reminder_id))
    if not invoices:
        raise invalid(
            "the reply names no open invoice of this customer: say which are disputed", "no_invoices"
        )
    category = edits.dispute_category or (reply.dispute_category or DisputeCategory.OTHER).value
    data = DisputeInput(
        category=category,
        amount_minor=sum(i.open_amount_minor for i in invoices),
        invoice_ids=tuple(i.id for i in invoices),
        description=f"{reply.evidence} (reply {reply.message_id})"[:2000],
    )
    view = open_dispute(session, principal, customer_id, data, today=today)
    return {"dispute_id": view.dispute.id, "invoice_ids": view.invoice_ids, "category": category}


def hold_until_back(
    session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
) -> dict[str, Any]:
    until = edits.day or reply.return_date
    if until is None:
        raise invalid("the reply states no return day: give the day the contact is back", "no_return_date")
    data = HoldInput(
        reason=HoldReason.MANUAL.value,
        starts_on=reply_day(reply),
        ends_on=until,
        note=f"out of office until {until.isoformat()} (reply {reply.message_id})",
    )
    hold = add_hold(session, principal, _customer(reply), data)
    return {"hold_id": hold.id, "until": until.isoformat()}


def handled(
    session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
) -> dict[str, Any]:
    return {"handled": True}  # answered outside Dunwell: a copy sent, a question answered


def change_contact(
    session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
) -> dict[str, Any]:
    """Mark the contact who says they are the wrong one (nothing more goes to them until someone
    fixes the contact) and add the one they named, unless the customer has them already."""
    customer_id = _customer(reply)
    repo = InboxRepository(session)
    outcome: dict[str, Any] = {}
    wrong = repo.contact(reply.contact_id) if reply.contact_id is not None else None
    if wrong is not None:
        wrong.email_undeliverable_at = datetime.now(UTC)
        wrong.delivery_error = f"not the right contact, says reply {reply.message_id}"[:2000]
        repo.flush()
        record(
            session,
            actor=principal.actor,
            action="contact.flagged_wrong",
            subject_type="contact",
            subject_id=wrong.id,
            details={"customer_id": customer_id, "reply_id": reply.id},
        )
        outcome["flagged_contact_id"] = wrong.id
    named = edits.new_contact or reply.new_contact
    if named:
        known = repo.contacts_with_email(named, customer_id=customer_id)
        if known:
            outcome["contact_id"] = known[0].id
        else:
            data = ContactInput(name=named, email=named, language=reply.language or None)
            outcome["new_contact_id"] = add_contact(session, principal, customer_id, data).contact.id
    return outcome


def search_hint(
    session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
) -> dict[str, Any]:
    """What to look for in cash application: nothing is posted from a customer's word."""
    amount = (
        str(minor_to_decimal(reply.promise_amount_minor, reply.currency))
        if reply.promise_amount_minor is not None and reply.currency
        else None
    )
    return {
        "search_hint": {
            "customer_id": reply.customer_id,
            "amount": amount,
            "currency": reply.currency,
            "paid_on": reply.promise_date.isoformat() if reply.promise_date else None,
            "references": list(reply.invoice_refs),
        }
    }


def _customer(reply: ReceivedReply) -> int:
    if reply.customer_id is None:  # the service links or refuses before any action runs
        raise invalid("the reply is not linked to a customer", "reply_unlinked")
    return reply.customer_id


def _named(session: Session, reply: ReceivedReply, edits: ReplyEdits) -> list[Invoice]:
    """The open invoices of the reply's customer that the person gave, else that the reply names."""
    repo = InboxRepository(session)
    customer_id = _customer(reply)
    if edits.invoice_ids:
        found = repo.open_invoices(customer_id, ids=edits.invoice_ids)
        missing = sorted(set(edits.invoice_ids) - {i.id for i in found})
        if missing:
            raise invalid(
                f"invoice(s) {', '.join(map(str, missing))} are not open invoices of this customer",
                "invoice_not_open",
            )
        return found
    named = repo.invoices_numbered(reply.invoice_refs, customer_id=customer_id)
    return repo.open_invoices(customer_id, ids=[i.id for i in named]) if named else []


def _open_items(session: Session, customer_id: int, currency: str | None) -> list[Invoice]:
    found = InboxRepository(session).open_invoices(customer_id)
    if currency is not None:
        found = [i for i in found if i.currency == currency]
    currencies = sorted({i.currency for i in found})
    if not found:
        raise invalid("the customer has nothing open to promise payment of", "nothing_open")
    if len(currencies) > 1:
        raise invalid(
            f"the customer has items open in {', '.join(currencies)}: say the currency or the invoices",
            "mixed_currencies",
        )
    return found
