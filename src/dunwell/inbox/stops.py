"""A stop is honoured when it arrives, not when someone gets to the inbox (RULES.md RF-MEDIA-1,
GDPR-7): a reply asking us to stop, from a contact we know, opts that contact out of e-mail at once
through the consent service (given by the contact, the reply as the source) and queues the one
confirmation the rule allows, through the outbox and the compliance guard like every message.

A contact already opted out gets neither a second opt-out (which would overwrite when and how the
first was given) nor a second confirmation. A stop that cannot be tied to a contact waits for a
person, first in the list, with the reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.customers.contacts import ConsentInput, set_consent
from dunwell.inbox.repository import InboxRepository
from dunwell.orm.inbox import ReceivedReply
from dunwell.reminders.confirmations import OptOutConfirmation, queue_opt_out_confirmation

UNLINKED_STOP = (
    "a stop request not tied to a contact: find who sent it and accept it with the customer "
    "(and contact), which opts them out of e-mail"
)


def apply_stop(
    session: Session, principal: Principal, reply: ReceivedReply, contact_id: int, *, now: datetime
) -> dict[str, Any]:
    """Opt the contact out of e-mail and queue the one confirmation; what was done, for the
    reply's ``outcome``."""
    repo = InboxRepository(session)
    contact = repo.contact(contact_id)
    customer = repo.customer(reply.customer_id) if reply.customer_id is not None else None
    if contact is None or customer is None or contact.customer_id != customer.id:
        raise DunwellError(
            "contact not found for this customer", code="contact_not_found", kind=ErrorKind.NOT_FOUND
        )
    outcome: dict[str, Any] = {"opted_out_contact_id": contact.id, "channel": "email"}
    if repo.opted_out_of_email(contact.id):
        outcome["already_opted_out"] = True
        return outcome
    writer = f"{contact.name} <{reply.sender}>" if reply.sender else contact.name
    consent = ConsentInput(
        channel="email", consented=False, given_by=writer[:200], source=f"reply {reply.message_id}"[:200]
    )
    set_consent(session, principal, customer.id, contact.id, consent)
    address = contact.email or reply.sender
    currency = repo.any_currency(customer.id)
    if address is None or currency is None:
        # Nowhere to write, or no debt to file it under: the opt-out stands, unconfirmed.
        outcome["confirmation"] = "no address" if address is None else "no currency of the customer's"
        return outcome
    confirmation = OptOutConfirmation(
        customer_id=customer.id,
        customer_name=customer.name,
        customer_number=customer.external_id,
        contact_id=contact.id,
        to_address=address,
        language=contact.language or reply.language,
        currency=currency,
        source=f"reply:{reply.id}",
    )
    queued = queue_opt_out_confirmation(session, confirmation, actor=principal.actor, at=now)
    if queued is not None:
        outcome["confirmation_reminder_id"] = queued.id
    return outcome
