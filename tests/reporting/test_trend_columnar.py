"""The trend's array engine against the reference (``compute_metrics`` over document objects, as
``metrics_as_of`` gives it on each day) on random books: payments, credit memo applications,
write-offs and deductions, reversals, credit memos, documents issued after some month ends, and
imports that revised issue dates, due dates and amounts. Both databases; several seeds."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.documents import DocumentKind, SettlementKind
from dunwell.orm import Allocation, InvoiceRevision, User
from dunwell.reporting.service import metrics_as_of, month_ends, trend
from factories import make_customer, make_invoice

AS_OF = date(2024, 6, 30)
START = date(2023, 3, 1)
KINDS = (SettlementKind.PAYMENT,) * 6 + (
    SettlementKind.CREDIT,
    SettlementKind.WRITE_OFF,
    SettlementKind.DEDUCTION,
)


def _random_book(session: Session, rng: random.Random) -> int:
    owner = User(login="owner", name="Owner")
    session.add(owner)
    session.flush()
    customers = [make_customer(session) for _ in range(4)]
    customers[0].owner_id = owner.id
    span = (AS_OF + timedelta(days=20) - START).days  # a few are issued after the as-of day
    for _ in range(160):
        customer = rng.choice(customers)
        issue = START + timedelta(days=rng.randrange(span))
        memo = rng.random() < 0.08
        amount = f"{rng.randrange(1, 900)}.{rng.randrange(100):02d}"
        invoice = make_invoice(
            session,
            customer=customer,
            amount=f"-{amount}" if memo else amount,
            issue_date=issue,
            due_days=rng.choice((0, 15, 30, 45, 60)),
            kind=DocumentKind.CREDIT_MEMO if memo else DocumentKind.INVOICE,
        )
        left = abs(invoice.amount_minor)
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            if left == 0:
                break
            part = left if rng.random() < 0.6 else rng.randrange(1, left + 1)
            left -= part
            on = issue + timedelta(days=rng.randrange(-5, 120))  # a prepayment now and then
            reversed_on = on + timedelta(days=rng.randrange(1, 60)) if rng.random() < 0.1 else None
            session.add(
                Allocation(
                    invoice_id=invoice.id,
                    kind=rng.choice(KINDS),
                    currency="USD",
                    amount_minor=-part if memo else part,
                    applied_on=on,
                    applied_by="test",
                    reversed_on=reversed_on,
                )
            )
        if rng.random() < 0.12:  # a later import changed it: the months before see the old values
            field, old = rng.choice(
                (
                    ("amount_minor", invoice.amount_minor + rng.randrange(-500, 500) * (0 if memo else 1)),
                    ("due_date", (invoice.due_date + timedelta(days=rng.randrange(-20, 20))).isoformat()),
                    ("issue_date", (issue + timedelta(days=rng.randrange(-40, 40))).isoformat()),
                )
            )
            current = getattr(invoice, field)
            session.add(
                InvoiceRevision(
                    invoice_id=invoice.id,
                    effective_on=issue + timedelta(days=rng.randrange(1, 200)),
                    changes={field: [old, current.isoformat() if isinstance(current, date) else current]},
                )
            )
    session.flush()
    return owner.id


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_array_engine_gives_the_reference_figures_on_every_month_end(
    sessions: sessionmaker[Session], seed: int
) -> None:
    with sessions.begin() as session:
        owner = _random_book(session, random.Random(seed))
    days = month_ends(AS_OF, 16)
    with sessions() as session:
        for owners in (None, frozenset({owner})):
            together = trend(session, as_of=AS_OF, currency="USD", months=16, owners=owners)
            alone = [metrics_as_of(session, as_of=day, currency="USD", owners=owners).overall for day in days]
            assert together == alone
    assert len({m.total_ar for m in together}) > 8  # the figures do move month to month
