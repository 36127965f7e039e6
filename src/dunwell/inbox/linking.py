"""Which customer a reply is about, from the strongest evidence to the weakest:

1. its thread: In-Reply-To or References names the Message-ID of a reminder we sent (the
   reminder's ``provider_ref``) — that reminder's customer, and its contact unless the sender is
   another contact of the same customer (then the sender, who is the person writing);
2. its sender: the address of contacts of exactly one customer;
3. its invoice numbers: invoices of exactly one customer (among the sender's customers when the
   address is shared by several, such as a group's accounts-payable mailbox);
4. none: a person links it by hand, told why it could not be linked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dunwell.core.inbox import LinkedBy
from dunwell.inbox.repository import InboxRepository
from dunwell.replies import ParsedMessage, ReplyReading

_MESSAGE_IDS = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True, slots=True)
class Link:
    linked_by: LinkedBy
    customer_id: int | None = None
    reminder_id: int | None = None
    contact_id: int | None = None
    #: Why it could not be linked (for the person who will link it by hand).
    why_not: str | None = None


def thread_ids(message: ParsedMessage) -> list[str]:
    """The Message-IDs a reply answers: In-Reply-To first, then References newest first."""
    named = _MESSAGE_IDS.findall(message.in_reply_to or "")
    return list(dict.fromkeys([*named, *reversed(message.references)]))


def link_reply(repo: InboxRepository, message: ParsedMessage, reading: ReplyReading) -> Link:
    reminder = repo.reminder_answered(thread_ids(message))
    if reminder is not None:
        writer = (
            repo.contacts_with_email(message.sender, customer_id=reminder.customer_id)
            if message.sender
            else []
        )
        contact_id = writer[0].id if writer else reminder.contact_id
        return Link(LinkedBy.IN_REPLY_TO, reminder.customer_id, reminder.id, contact_id)
    contacts = repo.contacts_with_email(message.sender) if message.sender else []
    by_sender = {c.customer_id for c in contacts}
    if len(by_sender) == 1:
        return Link(LinkedBy.SENDER, contacts[0].customer_id, None, contacts[0].id)
    by_invoice = {i.customer_id for i in repo.invoices_numbered(reading.invoice_refs)}
    among = by_invoice & by_sender or by_invoice
    if len(among) == 1:
        customer_id = next(iter(among))
        contact_id = next((c.id for c in contacts if c.customer_id == customer_id), None)
        return Link(LinkedBy.INVOICE_REF, customer_id, None, contact_id)
    return Link(LinkedBy.NONE, why_not=_why_not(message, len(by_sender), len(among), reading))


def _why_not(message: ParsedMessage, senders: int, invoices: int, reading: ReplyReading) -> str:
    parts = ["it answers no reminder of ours"]
    if not message.sender:
        parts.append("it has no sender address")
    elif senders == 0:
        parts.append(f"{message.sender} is no contact's address")
    else:
        parts.append(f"{message.sender} is a contact of {senders} customers")
    if not reading.invoice_refs:
        parts.append("it names no invoice")
    elif invoices == 0:
        parts.append(f"no invoice is numbered {', '.join(reading.invoice_refs)}")
    else:
        parts.append(f"its invoices belong to {invoices} customers")
    return "; ".join(parts)
