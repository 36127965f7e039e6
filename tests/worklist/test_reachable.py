"""Who can be reached, and how: an address for the channel, no opt-out in force, and a private
person's consent (RULES.md GDPR-6: a reminder to a business contact rests on legitimate interest)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.collections import Channel, TouchChannel, TouchDirection, TouchOutcome, TouchTone
from dunwell.orm.collections import Touch
from dunwell.orm.customer import Contact, ContactChannelConsent
from dunwell.worklist.repository import WorklistRepository
from factories import make_customer, make_entity
from worklist.worklist_book import at

DAY = date(2024, 6, 3)


def _contact(session: Session, customer_id: int, **fields: object) -> Contact:
    contact = Contact(customer_id=customer_id, name="AP", **fields)
    session.add(contact)
    session.flush()
    return contact


def test_business_contacts_need_an_address_and_no_opt_out_private_people_their_consent(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        entity = make_entity(session, code="R1")
        business = make_customer(session, entity=entity, external_id="BIZ")
        opted = make_customer(session, entity=entity, external_id="OPTED")
        private = make_customer(session, entity=entity, external_id="PRIV")
        consenting = make_customer(session, entity=entity, external_id="CONSENT")
        later = make_customer(session, entity=entity, external_id="LATER")
        for addressed in (business, opted, later):
            addressed.postal_address = "1 Main Street\nSpringfield, IL 62701"
        _contact(session, business.id, email="ap@biz.example")
        gone = _contact(session, opted.id, email="ap@opted.example", phone="+1 555 0101")
        session.add(
            ContactChannelConsent(
                contact_id=gone.id, channel=Channel.EMAIL, opted_out_at=at(DAY.replace(day=1))
            )
        )
        _contact(session, private.id, email="jo@private.example", is_natural_person=True)
        person = _contact(session, consenting.id, phone="+1 555 0102", is_natural_person=True)
        session.add(
            ContactChannelConsent(
                contact_id=person.id, channel=Channel.CALL, consented=True, consented_at=at(date(2024, 1, 2))
            )
        )
        soon = _contact(session, later.id, email="ap@later.example")
        session.add(ContactChannelConsent(contact_id=soon.id, channel=Channel.EMAIL, opted_out_at=at(DAY)))
        ids = {c.external_id: c.id for c in (business, opted, private, consenting, later)}

    with sessions() as session:
        reachable = WorklistRepository(session).reachable_channels(DAY)

    assert reachable[ids["BIZ"]] == {"email", "letter"}  # no phone: no call; no consent needed
    assert reachable[ids["OPTED"]] == {"call", "letter"}  # opted out of e-mail before the day
    assert reachable.get(ids["PRIV"], set()) == set()  # a private person who never consented
    assert reachable[ids["CONSENT"]] == {"call"}
    assert reachable[ids["LATER"]] == {"email", "letter"}  # the opt-out comes after the day began


def test_a_letter_needs_the_customers_postal_address(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        entity = make_entity(session, code="R3")
        nowhere = make_customer(session, entity=entity, external_id="NOWHERE")
        _contact(session, nowhere.id, email="ap@nowhere.example")
        customer_id = nowhere.id
    with sessions() as session:
        assert WorklistRepository(session).reachable_channels(DAY)[customer_id] == {"email"}


def test_touches_carry_their_tone_to_the_worklist(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        entity = make_entity(session, code="R2")
        customer = make_customer(session, entity=entity, external_id="TONE")
        for day, tone in ((date(2024, 5, 6), TouchTone.FIRM), (date(2024, 5, 7), None)):
            session.add(
                Touch(
                    customer_id=customer.id,
                    channel=TouchChannel.EMAIL,
                    direction=TouchDirection.OUTBOUND,
                    outcome=TouchOutcome.SENT,
                    tone=tone,
                    occurred_at=at(day),
                )
            )

    with sessions() as session:
        rows = WorklistRepository(session).touches(DAY)

    assert [(r.day, r.firm) for r in rows] == [(date(2024, 5, 6), True), (date(2024, 5, 7), False)]
