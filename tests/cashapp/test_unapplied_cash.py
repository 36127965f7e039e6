"""The dunning check: has this customer recently paid money that is not applied yet? (both databases)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from cashapp.helpers import Book, Entry
from dunwell.cashapp.service import (
    ImportResult,
    confirm,
    customers_with_recent_unapplied_cash,
    has_recent_unapplied_cash,
    review_queue,
    run_matching,
)

ImportCamt = Callable[..., ImportResult]
AS_OF = date(2024, 2, 29)


def test_unapplied_cash_identified_to_a_customer_or_suggested_for_it(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt(
        [
            # Acme: named and exact, applied automatically in full.
            Entry("E-1", "100.00", remittance="90000001", payer="Acme Trading Inc", day=date(2024, 2, 20)),
            # Bolt: a suggestion names it, nothing applied yet.
            Entry("E-2", "99.00", payer="Bolt Industries", day=date(2024, 2, 25)),
            # Crane: fully applied, nothing left over.
            Entry("E-3", "100.00", remittance="90000005", payer="Crane Works", day=date(2024, 2, 26)),
        ]
    )
    run_matching(session, as_of=AS_OF, actor="test")

    def recent(customer_id: int, *, days: int = 10, as_of: date = AS_OF) -> bool:
        return has_recent_unapplied_cash(session, customer_id, days=days, as_of=as_of)

    assert recent(book.bolt.id)  # suggested for it
    assert not recent(book.crane.id)  # applied in full
    assert not recent(book.acme.id)  # applied in full
    assert not recent(book.bolt.id, days=3)  # 25 Feb is more than 3 days before 29 Feb
    assert not recent(book.bolt.id, as_of=date(2024, 2, 24))  # not received yet
    assert customers_with_recent_unapplied_cash(session, days=10, as_of=AS_OF) == {book.bolt.id}
    assert (
        customers_with_recent_unapplied_cash(
            session, days=10, as_of=AS_OF, customer_ids=[book.acme.id, book.crane.id]
        )
        == set()
    )


def test_an_overpayment_left_on_the_customer_counts(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt([Entry("E-1", "130.00", remittance="90000005", payer="Crane Works", day=date(2024, 2, 20))])
    run_matching(session, as_of=AS_OF, actor="test")
    [item] = review_queue(session)
    confirm(session, item.match_id, actor="user:ann")  # 100.00 applied, 30.00 stays unapplied

    assert has_recent_unapplied_cash(session, book.crane.id, days=30, as_of=AS_OF)
    assert not has_recent_unapplied_cash(session, book.crane.id, days=30, as_of=date(2024, 4, 1))
    assert customers_with_recent_unapplied_cash(session, days=30, as_of=AS_OF) == {book.crane.id}
