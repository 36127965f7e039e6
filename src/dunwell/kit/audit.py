"""Writing to the append-only audit log. Every automated or human decision that changes money lands here.

Each entry is linked into a hash chain (ADR 0028) when it is flushed: it gets the next ``seq`` and
the hash of the entry before it, and its own hash over both and its contents. Flush time, not
``record`` time, so the chain is claimed as late as possible in the transaction and one claim and
one read cover every entry of the flush.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from dunwell.kit import book_version
from dunwell.orm.audit import GENESIS_HASH, AuditEntry, entry_hash
from dunwell.orm.base import utcnow

#: Actions on records no cached figure reads (collectors log touches all day: each would otherwise
#: recompute every dashboard). Contacts are not among them: the data-quality card reads them.
#: Anything not named here moves the version: a new kind of action is taken to change the book
#: until it is listed.
_NOT_THE_BOOK = frozenset(
    {"auth", "token", "user", "touch", "touches", "promise", "promises", "hold", "dispute", "reminder"}
)

#: The PostgreSQL advisory lock that serialises appends to the chain ("dunwell" + 1 as a bigint).
#: Any fixed number works as long as nothing else in the database uses it.
CHAIN_LOCK_KEY = 0x64756E77656C6C01


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
        occurred_at=utcnow(),
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
    )
    session.add(entry)
    return entry


def _claim_the_chain(connection: Connection) -> None:
    """Hold the chain until this transaction ends, so the head read next is still the head when
    this transaction's entries are inserted after it.

    PostgreSQL: a transaction-scoped advisory lock (taken again in the same transaction, it is
    simply held twice). Read committed gives the next statement a fresh snapshot, taken after the
    lock, so it sees the entries of whoever held the lock before. SQLite: one writer at a time
    already, but a transaction only becomes the writer at its first write, and Python's driver
    begins it there; an UPDATE that matches no row makes that first write now (waiting out the
    busy timeout for another writer), so the read below sees every committed entry."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    else:
        connection.execute(text("UPDATE audit_log SET seq = seq WHERE 1 = 0"))


def _as_utc(moment: datetime | None) -> datetime:
    """Stored as UTC on both databases (SQLite keeps no offset), hashed as that same instant."""
    if moment is None:
        return utcnow()
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def link_pending_entries(session: Session) -> None:
    """Give every audit entry waiting to be inserted its ``seq``, ``prev_hash`` and ``entry_hash``.

    Every pending entry is linked again at each flush: values from a flush that failed and was
    rolled back are stale, since the head may have moved since."""
    pending = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEntry)),
        key=_insert_order,
    )
    if not pending:
        return
    connection = session.connection()
    _claim_the_chain(connection)
    head = connection.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq, head.entry_hash) if head is not None else (0, GENESIS_HASH)
    for entry in pending:
        seq += 1
        entry.occurred_at = _as_utc(entry.occurred_at)
        entry.seq = seq
        entry.prev_hash = prev_hash
        entry.entry_hash = prev_hash = entry_hash(
            seq=seq,
            occurred_at=entry.occurred_at,
            actor=entry.actor,
            action=entry.action,
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            details_json=json.dumps(entry.details),
            prev_hash=prev_hash,
        )


def _insert_order(entry: AuditEntry) -> int:
    """The order the entries were added in, which the flush inserts them in (ids follow ``seq``)."""
    return inspect(entry).insert_order or 0


@event.listens_for(Session, "before_flush")
def _link_before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    link_pending_entries(session)
