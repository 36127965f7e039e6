"""A small stored book for the segment service, page and CLI tests: cleo's and otto's customer
both pay on time through 2023 and 19 days late from 2024 on; a third customer of cleo's pays early."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.access import users
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.documents import DocumentStatus
from dunwell.ml.history import day_number
from dunwell.ml.segments import Segment, segment_customers
from dunwell.orm import Customer, User
from factories import make_customer, make_entity, make_invoice
from segments.segment_books import Rule, after, history, invoices

OPERATOR = Principal.operator("test")


def slipping(_i: int, due: date) -> date:
    return due + timedelta(days=0 if due.year == 2023 else 19)


@dataclass(frozen=True)
class StoredBook:
    cleos: int
    ottos: int
    cleos_early: int
    #: The first day the slipping payers are in a worse segment than 30 days before.
    worse_on: date


def principal_of(session: Session, login: str) -> Principal:
    user_id = session.scalars(select(User.id).where(User.login == login)).one()
    return Principal(actor=login, role=UserRole.COLLECTOR, user_id=user_id, portfolio=frozenset({user_id}))


def build_stored_book(session: Session) -> StoredBook:
    owners = {}
    for login in ("cleo", "otto"):  # the page tests' people already exist
        if session.scalars(select(User.id).where(User.login == login)).first() is None:
            users.add_user(
                session, OPERATOR, login=login, name=login, role=UserRole.COLLECTOR, password="x" * 12
            )
        owners[login] = session.scalars(select(User.id).where(User.login == login)).one()
    entity = make_entity(session, code="E1")
    made = {}
    for name, owner, rule in (
        ("CLEO", "cleo", slipping),
        ("OTTO", "otto", slipping),
        ("EARLY", "cleo", after(-10)),
    ):
        customer = make_customer(session, entity=entity, external_id=name)
        customer.owner_id = owners[owner]
        _store(session, customer, rule)
        made[name] = customer.id
    session.flush()
    return StoredBook(made["CLEO"], made["OTTO"], made["EARLY"], _first_worse_day())


def _store(session: Session, customer: Customer, rule: Rule) -> None:
    for row in invoices("x", rule):
        invoice = make_invoice(session, customer=customer, issue_date=row["issue_date"], due_days=30)
        if row["paid_date"] is not None:
            invoice.status = DocumentStatus.CLEARED
            invoice.cleared_on = row["paid_date"]
            invoice.open_amount_minor = 0


def _first_worse_day() -> date:
    """Found with the engine on the same rows, so the test needs no hand-picked date."""
    book = history(invoices("x", slipping))
    day = date(2024, 1, 1)
    while day < date(2024, 12, 31):
        now = segment_customers(book, as_of=day_number(day))[0].segment
        if now is not Segment.ON_TIME:
            return day
        day += timedelta(days=1)
    raise AssertionError("the slipping payer never left on time")
