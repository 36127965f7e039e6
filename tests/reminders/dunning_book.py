"""A small book for the dunning tests: customers with an email contact and overdue items at
different steps of the shipped default policy, one strategic, one on hold, one with a German contact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from dunwell.core.collections import HoldReason
from dunwell.orm import Customer
from dunwell.orm.collections import Hold
from dunwell.orm.customer import Contact
from factories import make_customer, make_entity, make_invoice


@dataclass
class DunningBook:
    day: date
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


def _customer(
    session: Session,
    book: DunningBook,
    entity: object,
    name: str,
    *,
    language: str = "en",
    country: str = "US",
    zone: str = "America/New_York",
) -> Customer:
    customer = make_customer(session, entity=entity, external_id=name)  # type: ignore[arg-type]
    customer.name = f"{name.title()} Ltd"
    customer.country = country
    customer.time_zone = zone
    email = f"ap@{name.lower()}.example"
    session.add(
        Contact(
            customer_id=customer.id,
            name=f"{name.title()} AP",
            email=email,
            is_role_mailbox=True,
            phone="+1 212 555 0100",
            language=language,
            time_zone=zone,
        )
    )
    session.flush()
    book.ids[name] = customer.id
    book.emails[name] = email
    return customer


def build_dunning_book(session: Session, *, day: date, customers: int = 4) -> DunningBook:
    """``customers`` plain customers each with one invoice 20 days overdue (a firm reminder), plus
    STRATEGIC (strategic: waits for approval), HELD (on hold) and BERLIN (German, EUR)."""
    book = DunningBook(day=day)
    entity = make_entity(session, code="NORTH")
    for n in range(customers):
        plain = _customer(session, book, entity, f"PLAIN{n}")
        make_invoice(
            session, customer=plain, amount=f"{100 + n}.00", issue_date=day - timedelta(days=50), due_days=30
        )
    strategic = _customer(session, book, entity, "STRATEGIC")
    strategic.strategic = True
    make_invoice(
        session, customer=strategic, amount="900.00", issue_date=day - timedelta(days=50), due_days=30
    )
    held = _customer(session, book, entity, "HELD")
    make_invoice(session, customer=held, amount="300.00", issue_date=day - timedelta(days=50), due_days=30)
    session.add(
        Hold(
            customer_id=held.id,
            reason=HoldReason.MANUAL,
            starts_on=day - timedelta(days=1),
            ends_on=day + timedelta(days=10),
            created_by="test",
        )
    )
    berlin = _customer(session, book, entity, "BERLIN", language="de", country="DE", zone="Europe/Berlin")
    make_invoice(
        session,
        customer=berlin,
        amount="1250.50",
        currency="EUR",
        issue_date=day - timedelta(days=50),
        due_days=30,
    )
    session.flush()
    return book
