"""Verifying the audit log's hash chain (ADR 0028): is every entry as it was written, and all there?

The chain is walked in ``seq`` order a batch at a time (keyset pagination: memory stays flat and
each batch is one index range scan), each hash is recomputed and each link checked against the
entry before it. Every problem is reported, in chain order, with the entry it was found at.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Row, Text, cast, select, tuple_
from sqlalchemy.orm import Session

from dunwell.orm.audit import GENESIS_HASH, AuditEntry, entry_hash
from dunwell.orm.base import table_of

BATCH_SIZE = 5000


class Problem(StrEnum):
    #: The entry's contents no longer give its hash: it was changed after it was written.
    EDITED = "edited"
    #: ``seq`` skips numbers: the entries between were deleted.
    DELETED_BEFORE = "deleted_before"
    #: ``seq`` follows on but ``prev_hash`` is not the previous entry's hash: an entry was put in
    #: here, moved here, or the previous entry's hash was rewritten.
    BROKEN_LINK = "broken_link"
    #: Two entries claim the same place in the chain (possible only without the unique constraint).
    DUPLICATE_SEQ = "duplicate_seq"
    #: Its id is lower than the previous entry's: ids are handed out in chain order, so rows were
    #: renumbered or swapped.
    OUT_OF_ORDER = "out_of_order"


@dataclass(frozen=True, slots=True)
class ChainProblem:
    id: int
    seq: int
    problem: Problem
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "problem": self.problem.value, "detail": self.detail}


@dataclass(slots=True)
class ChainReport:
    entries: int = 0
    problems: list[ChainProblem] = field(default_factory=list)
    #: The last entry's seq and hash: kept somewhere outside the database, they also prove that
    #: no entry was deleted from the end (which the chain alone cannot show).
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "intact": self.intact,
            "problems": [p.to_dict() for p in self.problems],
            "head": {"seq": self.head_seq, "entry_hash": self.head_hash},
        }


_LOG = table_of(AuditEntry)
#: Read through Core, not the ORM (no objects to build), details as text (parsed once, by the hash).
_COLUMNS = (
    _LOG.c.id,
    _LOG.c.seq,
    _LOG.c.prev_hash,
    _LOG.c.entry_hash,
    _LOG.c.occurred_at,
    _LOG.c.actor,
    _LOG.c.action,
    _LOG.c.subject_type,
    _LOG.c.subject_id,
    cast(_LOG.c.details, Text).label("details_json"),
)


def _batches(session: Session, size: int) -> Iterator[Sequence[Row[Any]]]:
    """The log in (seq, id) order, ``size`` rows per query; the id breaks ties only if two rows
    share a seq, which must be walked too and reported, not skipped."""
    connection = session.connection()
    query = select(*_COLUMNS).order_by(_LOG.c.seq, _LOG.c.id).limit(size)
    after: tuple[int, int] | None = None
    while True:
        page = query if after is None else query.where(tuple_(_LOG.c.seq, _LOG.c.id) > after)
        rows = connection.execute(page).all()
        if not rows:
            return
        yield rows
        after = (rows[-1].seq, rows[-1].id)


def _recomputed(row: Row[Any]) -> str:
    return entry_hash(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=row.actor,
        action=row.action,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        details_json=row.details_json,
        prev_hash=row.prev_hash,
    )


def _link_problem(row: Row[Any], before: Row[Any] | None) -> ChainProblem | None:
    """What is wrong between ``row`` and the entry before it in the chain (None: the first)."""
    last_seq, last_hash = (before.seq, before.entry_hash) if before is not None else (0, GENESIS_HASH)
    if row.seq == last_seq + 1 and row.prev_hash == last_hash and (before is None or row.id > before.id):
        return None  # the common case, decided without building any message
    where = f"entry id {before.id} (seq {before.seq})" if before is not None else "the start of the log"

    def problem(kind: Problem, detail: str) -> ChainProblem:
        return ChainProblem(row.id, row.seq, kind, detail)

    if row.seq <= last_seq:
        return problem(Problem.DUPLICATE_SEQ, f"seq {row.seq} again, after {where}")
    if row.seq > last_seq + 1:
        missing = f"seq {last_seq + 1}" if row.seq == last_seq + 2 else f"seq {last_seq + 1}..{row.seq - 1}"
        return problem(
            Problem.DELETED_BEFORE, f"{row.seq - last_seq - 1} entries ({missing}) after {where} are missing"
        )
    if row.prev_hash != last_hash:
        return problem(
            Problem.BROKEN_LINK,
            f"prev_hash is not the hash of {where}: "
            "an entry was inserted or moved here, or that entry's hash was rewritten",
        )
    return problem(
        Problem.OUT_OF_ORDER, f"its id is lower than that of {where}: rows were renumbered or swapped"
    )


def verify_chain(session: Session, *, batch_size: int = BATCH_SIZE) -> ChainReport:
    """Walk the whole chain and report every problem (an intact log has none)."""
    report = ChainReport()
    before: Row[Any] | None = None
    for rows in _batches(session, batch_size):
        for row in rows:
            report.entries += 1
            link = _link_problem(row, before)
            if link is not None:
                report.problems.append(link)
            if _recomputed(row) != row.entry_hash:
                detail = "its contents do not give its hash: it was changed after it was written"
                report.problems.append(ChainProblem(row.id, row.seq, Problem.EDITED, detail))
            before = row
    if before is not None:
        report.head_seq, report.head_hash = before.seq, before.entry_hash
    return report
