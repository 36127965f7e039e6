"""The dashboard's trend reads the book once; each month end must still equal the metrics computed
on their own as of that day (both databases), revisions included."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.money import Money
from dunwell.orm import InvoiceRevision
from dunwell.reporting.service import metrics_as_of, month_ends, trend
from dunwell.settlements.posting import allocate
from factories import make_customer, make_invoice, make_payment

AS_OF = date(2024, 6, 30)


def test_each_month_end_of_the_trend_equals_its_own_metrics(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        customer = make_customer(session)
        for month in range(1, 7):
            invoice = make_invoice(session, customer=customer, amount=f"{month}00.00",
                                   issue_date=date(2024, month, 3), due_days=30)  # fmt: skip
            if month < 5:
                payment = make_payment(session, customer=customer, amount=f"{month}00.00",
                                       value_date=date(2024, month + 1, 10))  # fmt: skip
                allocate(session, payment_id=payment.id, invoice_id=invoice.id,
                         amount=Money.of(f"{month}00.00", "USD"), applied_on=date(2024, month + 1, 10),
                         actor="test")  # fmt: skip
        revised = make_invoice(session, customer=customer, amount="250.00", issue_date=date(2024, 2, 1))
        # An import on 2024-05-15 changed its amount from 200.00: the months before see 200.00.
        session.add(InvoiceRevision(invoice_id=revised.id, effective_on=date(2024, 5, 15),
                                    changes={"amount_minor": [20000, 25000]}))  # fmt: skip
    with sessions() as session:
        together = trend(session, as_of=AS_OF, currency="USD", months=6)
        alone = [metrics_as_of(session, as_of=day, currency="USD").overall for day in month_ends(AS_OF, 6)]
    assert together == alone
    assert together[2].total_ar != together[-1].total_ar  # the figures do move month to month
