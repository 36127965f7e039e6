"""A small book for the page tests, its figures worked out by hand in the docstring.

As of 2024-03-31 with a 90-day period ([2024-01-02, 2024-03-31]):

- cleo's customer (entity E1): A-1, 1,000.00 issued 2024-01-10, due 2024-02-09, 400.00 paid on
  2024-02-20 (600.00 open, 51 days past due: 31–60); A-2, 500.00 issued 2024-03-15, due 2024-04-14
  (current).
- otto's customer (entity E2): B-1, 2,000.00 issued 2024-03-01, due 2024-03-31 (current on its due date).

cleo: total 1,100; current 500; sales 1,500; DSO 1,100 × 90 / 1,500 = 66.00; BPDSO 500 × 90 /
1,500 = 30.00; ADD 36.00; % current 45.45; CEI (0 + 1,500 − 1,100) / (1,500 − 500) = 40.00;
countback: block 0 (A-2) 500 → 600 left, block 1 nothing, block 2 (A-1) 1,000: 60 + 30 × 600 /
1,000 = 78.00. At 2024-02-29: A-1 alone, 600 open, sales 1,000: DSO 54.00.

The whole book: total 3,100; current 2,500; sales 3,500; DSO 79.71; BPDSO 64.29; ADD 15.42;
% current 80.65; CEI 40.00; countback 78.00 (B-1 fills block 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.core.money import Money
from dunwell.orm import Invoice, User
from dunwell.settlements.posting import allocate
from factories import make_customer, make_entity, make_invoice, make_payment

AS_OF = date(2024, 3, 31)


@dataclass(frozen=True)
class Book:
    cleos: int  # customer ids
    ottos: int
    a1: int  # invoice ids
    a2: int
    b1: int


def user_id(session: Session, login: str) -> int:
    return session.scalars(select(User.id).where(User.login == login)).one()


def numbered(invoice: Invoice, number: str) -> Invoice:
    invoice.number = number
    return invoice


def build_book(session: Session) -> Book:
    e1, e2 = make_entity(session, code="E1"), make_entity(session, code="E2")
    cleos = make_customer(session, entity=e1, external_id="C-CLEO")
    cleos.owner_id = user_id(session, "cleo")
    ottos = make_customer(session, entity=e2, external_id="C-OTTO")
    ottos.owner_id = user_id(session, "otto")
    a1 = numbered(
        make_invoice(session, customer=cleos, amount="1000.00", issue_date=date(2024, 1, 10)), "A-1"
    )
    a2 = numbered(make_invoice(session, customer=cleos, amount="500.00", issue_date=date(2024, 3, 15)), "A-2")
    b1 = numbered(make_invoice(session, customer=ottos, amount="2000.00", issue_date=date(2024, 3, 1)), "B-1")
    session.flush()
    cash = make_payment(session, customer=cleos, amount="400.00", value_date=date(2024, 2, 20))
    allocate(
        session,
        payment_id=cash.id,
        invoice_id=a1.id,
        amount=Money.of("400.00", "USD"),
        applied_on=date(2024, 2, 20),
        actor="test",
    )
    return Book(cleos.id, ottos.id, a1.id, a2.id, b1.id)
