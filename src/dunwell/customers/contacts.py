"""Contacts of a customer: a person or a role mailbox, how to reach them, their language and time
zone, and per channel whether they consented (who gave it, when, how) or opted out. An opt-out
wins over consent; consent is given on the channels Dunwell sends on, never for meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.collections import Channel
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.customers.contacts_repository import ContactRepository
from dunwell.customers.service import not_found, require_customer
from dunwell.kit.audit import record
from dunwell.orm.customer import Contact, ContactChannelConsent

CONSENT_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.LETTER, Channel.CALL)


@dataclass(frozen=True, slots=True)
class ConsentInput:
    channel: str
    consented: bool
    given_by: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ContactInput:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    time_zone: str | None = None
    is_role_mailbox: bool = False
    is_natural_person: bool = False
    consents: tuple[ConsentInput, ...] = ()


@dataclass(frozen=True, slots=True)
class ContactView:
    contact: Contact
    consents: list[ContactChannelConsent]

    def reachable_on(self, channel: Channel) -> bool:
        return any(c.channel is channel and c.consented and c.opted_out_at is None for c in self.consents)


def invalid(message: str, code: str) -> DunwellError:
    return DunwellError(message, code=code, kind=ErrorKind.INVALID)


def check_contact(data: ContactInput) -> None:
    if not data.name.strip():
        raise invalid(
            "a contact needs a name (a person's, or the mailbox's such as 'Accounts payable')", "no_name"
        )
    if not (data.email or data.phone):
        raise invalid("a contact needs an email address or a phone number", "unreachable_contact")
    if data.email and ("@" not in data.email or data.email.startswith("@") or data.email.endswith("@")):
        raise invalid(f"{data.email!r} is not an email address", "bad_email")
    if data.time_zone:
        try:
            ZoneInfo(data.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise invalid(
                f"{data.time_zone!r} is not a time zone (e.g. Europe/Berlin)", "bad_time_zone"
            ) from exc
    for consent in data.consents:
        _channel(consent.channel)


def _channel(value: str) -> Channel:
    try:
        channel = Channel(value)
    except ValueError:
        channel = None
    if channel not in CONSENT_CHANNELS or channel is None:
        names = ", ".join(c.value for c in CONSENT_CHANNELS)
        raise invalid(f"consent is per channel: {names}, not {value!r}", "bad_channel")
    return channel


def contacts(session: Session, principal: Principal, customer_id: int) -> list[ContactView]:
    require_customer(session, principal, customer_id)
    repo = ContactRepository(session)
    found = repo.of_customer(customer_id)
    consents = repo.consents(c.id for c in found)
    return [ContactView(c, consents.get(c.id, [])) for c in found]


def add_contact(session: Session, principal: Principal, customer_id: int, data: ContactInput) -> ContactView:
    require_customer(session, principal, customer_id, write=True)
    check_contact(data)
    repo = ContactRepository(session)
    contact = Contact(
        customer_id=customer_id,
        name=data.name.strip(),
        role=data.role or None,
        email=data.email or None,
        phone=data.phone or None,
        language=data.language or None,
        time_zone=data.time_zone or None,
        is_role_mailbox=data.is_role_mailbox,
        is_natural_person=data.is_natural_person,
    )
    repo.add(contact)
    for consent in data.consents:
        _set_consent(repo, contact.id, consent, actor=principal.actor)
    record(
        session,
        actor=principal.actor,
        action="contact.created",
        subject_type="contact",
        subject_id=contact.id,
        details={"customer_id": customer_id, "name": contact.name},
    )
    return ContactView(contact, list(repo.consents([contact.id]).get(contact.id, [])))


def set_consent(
    session: Session, principal: Principal, customer_id: int, contact_id: int, data: ConsentInput
) -> ContactView:
    """Record consent on a channel, or an opt-out (``consented`` false), with who gave it and how."""
    require_customer(session, principal, customer_id, write=True)
    repo = ContactRepository(session)
    contact = repo.contact(contact_id)
    if contact is None or contact.customer_id != customer_id:
        raise DunwellError("contact not found", code="contact_not_found", kind=ErrorKind.NOT_FOUND)
    consent = _set_consent(repo, contact_id, data, actor=principal.actor)
    record(
        session,
        actor=principal.actor,
        action="contact.consent" if data.consented else "contact.opted_out",
        subject_type="contact",
        subject_id=contact_id,
        details={"channel": consent.channel.value, "given_by": data.given_by, "source": data.source},
    )
    return ContactView(contact, list(repo.consents([contact_id]).get(contact_id, [])))


def _set_consent(
    repo: ContactRepository, contact_id: int, data: ConsentInput, *, actor: str
) -> ContactChannelConsent:
    channel = _channel(data.channel)
    now = datetime.now(UTC)
    consent = repo.consent(contact_id, channel.value)
    if consent is None:
        consent = ContactChannelConsent(contact_id=contact_id, channel=channel, consented=False)
        repo.add(consent)
    consent.consented = data.consented
    consent.given_by = data.given_by or None
    consent.source = data.source or f"recorded by {actor}"
    if data.consented:
        consent.consented_at, consent.opted_out_at = now, None
    else:
        consent.opted_out_at = now
    repo.flush()
    return consent


def contact_for(session: Session, customer_id: int, contact_id: int | None) -> Contact | None:
    """The customer's contact (None for None); another customer's contact is not found."""
    if contact_id is None:
        return None
    found = ContactRepository(session).contact(contact_id)
    if found is None or found.customer_id != customer_id:
        raise DunwellError(
            "contact not found for this customer", code="contact_not_found", kind=ErrorKind.NOT_FOUND
        )
    return found


__all__ = [
    "ConsentInput",
    "ContactInput",
    "ContactView",
    "add_contact",
    "contacts",
    "not_found",
    "set_consent",
]
