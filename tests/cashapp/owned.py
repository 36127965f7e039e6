"""The small book with portfolios, and the statement the workplace tests import: Acme is cleo's,
Bolt is otto's, Crane is nobody's.

Imported as ``cashapp.owned`` (``tests`` is on the path and test modules cannot import each other).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashapp.helpers import Book, Entry, camt053, make_book
from dunwell.orm import User

AS_OF = date(2024, 2, 29)
ENTRIES = [
    # Bolt pays its 100.00 a fee short: suggested for Bolt (otto's).
    Entry("E-1", "99.00", payer="Bolt Industries", payer_account="US22BANK0002", day=date(2024, 2, 1)),
    # Zenith pays part of Acme's 90000001: suggested for Acme (cleo's).
    Entry("E-2", "60.00", remittance="90000001", payer="Zenith Holdings", day=date(2024, 2, 2)),
    # Nobody recognisable: unmatched, everyone's to recognise.
    Entry("E-3", "12.34", payer="Nobody", day=date(2024, 2, 3)),
]


def statement() -> bytes:
    return camt053(ENTRIES).encode()


def user_id(session: Session, login: str) -> int:
    return session.scalars(select(User.id).where(User.login == login)).one()


def owned_book(session: Session) -> Book:
    book = make_book(session)
    book.acme.owner_id = user_id(session, "cleo")
    book.bolt.owner_id = user_id(session, "otto")
    session.flush()
    return book
