"""All SQL about contacts and their per-channel consent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.kit.bulk import one_of
from dunwell.orm.customer import Contact, ContactChannelConsent, Customer


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_customer(self, customer_id: int) -> list[Contact]:
        return list(
            self.session.scalars(
                select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.name, Contact.id)
            )
        )

    def consents(self, contact_ids: Iterable[int]) -> dict[int, list[ContactChannelConsent]]:
        ids = set(contact_ids)
        found: dict[int, list[ContactChannelConsent]] = defaultdict(list)
        if not ids:
            return found
        query = select(ContactChannelConsent).where(
            one_of(self.session, ContactChannelConsent.contact_id, ids)
        )
        for consent in self.session.scalars(query.order_by(ContactChannelConsent.channel)):
            found[consent.contact_id].append(consent)
        return found

    def contact(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def add(self, contact: Contact | ContactChannelConsent) -> None:
        self.session.add(contact)
        self.session.flush()

    def consent(self, contact_id: int, channel: str) -> ContactChannelConsent | None:
        return self.session.scalars(
            select(ContactChannelConsent).where(
                ContactChannelConsent.contact_id == contact_id, ContactChannelConsent.channel == channel
            )
        ).first()

    def customers_by_external_id(self, external_ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
        """``{external_id: [(customer id, entity id as text)]}``: an id may repeat across entities."""
        found: dict[str, list[tuple[int, str]]] = defaultdict(list)
        ids = set(external_ids)
        if not ids:
            return found
        query = select(Customer.id, Customer.external_id, Customer.entity_id).where(
            one_of(self.session, Customer.external_id, ids)
        )
        for id_, ext, entity_id in self.session.execute(query):
            found[ext].append((id_, str(entity_id)))
        return found

    def by_external_id(self, customer_ids: Iterable[int]) -> dict[tuple[int, str], Contact]:
        ids = set(customer_ids)
        if not ids:
            return {}
        query = select(Contact).where(
            one_of(self.session, Contact.customer_id, ids), Contact.external_id.is_not(None)
        )
        return {(c.customer_id, c.external_id or ""): c for c in self.session.scalars(query)}

    def flush(self) -> None:
        self.session.flush()
