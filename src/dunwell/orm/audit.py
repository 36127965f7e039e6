"""The append-only, hash-chained audit log (database triggers refuse UPDATE and DELETE, see the
migrations; ``kit.audit`` links each new entry to the one before it; ADR 0028).

The hash is defined here, beside the columns it covers, so that the application, the migration
that backfilled the chain and ``dunwell audit verify`` share one definition. Changing it changes
every hash: that takes a migration that re-hashes the log.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.orm.base import Base, Id, JsonDoc, utcnow

#: The ``prev_hash`` of the first entry: there is nothing before it.
GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(120))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    #: The entry's place in the chain: 1, 2, 3... with no gap. Not the id: ids come from the
    #: database at insert, after the hash must be known, and PostgreSQL skips the ids of rolled
    #: back inserts, so a gap in ids proves nothing while a gap in ``seq`` is a deleted entry.
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


def canonical_time(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, always: ``2026-12-07T09:30:00.000000Z``. A naive value is
    taken as UTC: SQLite gives back the UTC wall time Dunwell stored without its offset."""
    utc = moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def _whole_as_int(number_text: str) -> float | int:
    """A JSON number with a fraction or exponent: whole values become ints, because PostgreSQL's
    JSONB gives ``1e16`` back as ``10000000000000000`` and ``1.0`` as ``1.0``, so only a number's
    value, not its spelling, can be hashed. Other floats keep Python's shortest round-trip
    spelling when dumped, which JSONB's exact decimals give back as the same float."""
    number = float(number_text)
    return int(number) if math.isfinite(number) and number.is_integer() else number


def canonical_details(details_json: str) -> Any:
    """``details`` from its JSON text (as stored, as the database gives it back, or ``json.dumps``
    of the dict about to be stored: all parse to the same value), whole floats as ints."""
    return json.loads(details_json, parse_float=_whole_as_int)


def entry_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str,
    details_json: str,
    prev_hash: str,
) -> str:
    """Hex SHA-256 of the entry's canonical form: one JSON object, keys sorted, no spaces, ASCII
    only (every other character escaped, so the bytes never depend on an encoder), UTF-8.

    ``details_json`` is the details as JSON text rather than the dict: the verifier and the
    migration read it as text, which saves decoding it twice per entry."""
    document = {
        "seq": seq,
        "occurred_at": canonical_time(occurred_at),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": canonical_details(details_json),
        "prev_hash": prev_hash,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
