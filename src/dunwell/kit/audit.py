"""Writing to the append-only audit log. Every automated or human decision that changes money lands here."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dunwell.orm.audit import AuditEntry


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it is committed or rolled back with the change)."""
    entry = AuditEntry(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details or {},
    )
    session.add(entry)
    return entry
