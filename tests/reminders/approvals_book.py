"""The dunning book of tests/reminders/dunning_book.py planned for today, split between two
portfolios, for the page, API and browser tests: cleo owns PLAIN0, STRATEGIC (its reminder waits
for approval) and HELD (skipped: on hold); otto owns PLAIN1 and BERLIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.orm import Customer, User
from dunwell.orm.reminders import Reminder
from dunwell.reminders import service
from reminders.dunning_book import build_dunning_book

CLEOS = ("PLAIN0", "STRATEGIC", "HELD")
OTTOS = ("PLAIN1", "BERLIN")


@dataclass(frozen=True)
class ApprovalsBook:
    day: date
    customers: dict[str, int]  # by external id
    reminders: dict[str, int]  # the reminder planned for each customer, by external id


def build_approvals_book(session: Session, *, collector: str, other_collector: str) -> ApprovalsBook:
    day = date.today()
    book = build_dunning_book(session, day=day, customers=2)
    owners = dict(session.execute(select(User.login, User.id)).all())
    for names, login in ((CLEOS, collector), (OTTOS, other_collector)):
        for name in names:
            customer = session.get(Customer, book.ids[name])
            assert customer is not None
            customer.owner_id = owners[login]
    session.flush()
    service.plan_day(session, Principal.operator("test-planner"), Settings(), as_of=day)
    planned = session.scalars(select(Reminder).where(Reminder.planned_on == day)).all()
    by_customer = {r.customer_id: r.id for r in planned}
    reminders = {name: by_customer[cid] for name, cid in book.ids.items() if cid in by_customer}
    return ApprovalsBook(day=day, customers=dict(book.ids), reminders=reminders)
