"""The book's version: a counter every committed change to the book moves forward.

Figures computed from the whole book (the dashboard's twelve month-ends over a million invoices)
are kept with the version they were computed at and reused while it has not moved. Every change to
the book is audited (``kit.audit.record`` bumps the version in the same transaction) and imports
bump it with each chunk they commit, so a figure is never reused across a change.

Why a counter row rather than ``max(audit_log.id)``: ids are handed out when a row is inserted,
not when its transaction commits, so a reader could see id 11 committed while id 10 is still in
flight, and keep figures without id 10's change for good. The row is updated inside the writing
transaction, so it moves exactly when the change becomes visible; a reader reads it *before* it
reads the book, so what it computes is at least as new as the version it files it under.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dunwell.orm.report import BookVersion

_ROW = 1


def bump(session: Session) -> None:
    """Move the version forward in the caller's transaction (visible when it commits)."""
    session.execute(update(BookVersion).where(BookVersion.id == _ROW).values(version=BookVersion.version + 1))


def current(session: Session) -> int | None:
    """The committed version (None: a database without the counter; nothing is cached then)."""
    return session.scalar(select(BookVersion.version).where(BookVersion.id == _ROW))
