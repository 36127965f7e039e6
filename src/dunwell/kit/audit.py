"""Writing to the append-only audit log. Every automated or human decision that changes money lands here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dunwell.kit import book_version
from dunwell.orm.audit import AuditEntry

#: Actions on records no cached figure reads (collectors log touches all day: each would otherwise
#: recompute every dashboard). Contacts are not among them: the data-quality card reads them.
#: Anything not named here moves the version: a new kind of action is taken to change the book
#: until it is listed.
_NOT_THE_BOOK = frozenset(
    {"auth", "token", "user", "touch", "touches", "promise", "promises", "hold", "dispute"}
)


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it is committed or rolled back with the change).

    An audited write may change the book, so the book's version moves with it (figures cached from
    the book are recomputed), unless it is one of the records that no figure is computed from."""
    if action.split(".", 1)[0] not in _NOT_THE_BOOK:
        book_version.bump(session)
    entry = AuditEntry(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
    )
    session.add(entry)
    return entry
