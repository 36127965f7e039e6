"""Storing replies: each message is parsed, classified with the shipped model, tied to its customer
(``linking``) and kept once with the action it suggests. A stop is honoured at once (``stops``).

Idempotent by Message-ID (a message without one is keyed by a hash of its bytes): a folder can be
ingested again after every `dunwell replies fetch`, and only the new messages are stored. A file
that cannot be read or is no e-mail is reported with its name and reason; the others still go in."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.inbox import LinkedBy, ReplyState
from dunwell.core.money import Money
from dunwell.inbox.linking import Link, link_reply
from dunwell.inbox.repository import InboxRepository
from dunwell.inbox.shipped_model import shipped_model
from dunwell.inbox.stops import UNLINKED_STOP, apply_stop
from dunwell.kit.audit import record
from dunwell.orm.inbox import ReceivedReply
from dunwell.replies import Intent, ParsedMessage, ReplyReading, TextModel, classify_message, parse_message

#: Longer Message-IDs (they exist: up to a header line) are keyed by their hash to fit the column.
_MAX_KEY = 300


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as read from a file: its bytes, or why they could not be read."""

    name: str
    data: bytes | None
    error: str | None = None


class FileStatus(StrEnum):
    STORED = "stored"
    ALREADY_STORED = "already_stored"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class FileOutcome:
    file: str
    status: FileStatus
    reply_id: int | None = None
    message_id: str | None = None
    intent: str | None = None
    state: str | None = None
    linked_by: str | None = None
    customer_id: int | None = None
    #: Why a file was unreadable, or what still needs a person.
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v.value if isinstance(v, StrEnum) else v for k, v in asdict(self).items()}


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status is status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stored": self.count(FileStatus.STORED),
            "already_stored": self.count(FileStatus.ALREADY_STORED),
            "unreadable": self.count(FileStatus.UNREADABLE),
            "applied_at_once": sum(1 for f in self.files if f.state == ReplyState.APPLIED_AT_ONCE.value),
            "files": [f.as_dict() for f in self.files],
        }


def read_messages(path: Path) -> list[RawMessage]:
    """An ``.eml`` file, or a folder's ``*.eml`` files in name order (what `replies fetch` writes)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".eml" and p.is_file())
    elif path.is_file():
        files = [path]
    else:
        raise DunwellError(f"{path}: no such file or folder", code="path_not_found", kind=ErrorKind.NOT_FOUND)
    found = []
    for file in files:
        try:
            found.append(RawMessage(file.name, file.read_bytes()))
        except OSError as error:
            found.append(RawMessage(file.name, None, f"cannot read the file: {error.strerror or error}"))
    return found


def ingest(
    session: Session,
    principal: Principal,
    messages: Iterable[RawMessage],
    *,
    model: TextModel | None = None,
    now: datetime | None = None,
) -> IngestReport:
    """Store each new message with its suggestion (a stop from a known contact applied at once)."""
    # The shared mailbox holds every customer's replies, and stops are applied for any of them.
    principal.require_manager()
    reader = model if model is not None else shipped_model()
    at = now or datetime.now(UTC)
    report = IngestReport()
    for raw in messages:
        report.files.append(_ingest_one(session, principal, raw, reader, at))
    return report


def _ingest_one(
    session: Session, principal: Principal, raw: RawMessage, model: TextModel, at: datetime
) -> FileOutcome:
    if raw.data is None:
        return FileOutcome(raw.name, FileStatus.UNREADABLE, reason=raw.error)
    try:
        message = parse_message(raw.data)
        reading = classify_message(message, model)
    except Exception as error:  # a pure reading of one file: whatever fails there, the others go on
        return FileOutcome(raw.name, FileStatus.UNREADABLE, reason=f"not a readable e-mail: {error}")
    repo = InboxRepository(session)
    key = message_key(message, raw.data)
    known = repo.stored(key)
    if known is not None:
        return _outcome(raw.name, FileStatus.ALREADY_STORED, known)
    link = link_reply(repo, message, reading)
    reply = _reply(raw.name, key, message, reading, link, repo, at)
    if not repo.add_if_new(reply):  # another run stored it a moment ago
        stored = repo.stored(key)
        return FileOutcome(raw.name, FileStatus.ALREADY_STORED, reply_id=stored.id if stored else None)
    record(
        session,
        actor=principal.actor,
        action="reply.received",
        subject_type="reply",
        subject_id=reply.id,
        details={
            "message_id": key,
            "file": raw.name,
            "intent": reading.intent.value,
            "linked_by": link.linked_by.value,
            "customer_id": link.customer_id,
        },
    )
    if reading.intent is Intent.UNSUBSCRIBE:
        _honour_stop(session, principal, reply, at)
    return _outcome(raw.name, FileStatus.STORED, reply)


def message_key(message: ParsedMessage, raw: bytes) -> str:
    if message.message_id and len(message.message_id) <= _MAX_KEY:
        return message.message_id
    source = message.message_id.encode() if message.message_id else raw
    return f"sha256:{hashlib.sha256(source).hexdigest()}"


def _honour_stop(session: Session, principal: Principal, reply: ReceivedReply, at: datetime) -> None:
    if reply.contact_id is None:
        reply.attention = UNLINKED_STOP + (f" ({reply.attention})" if reply.attention else "")
        return
    outcome = apply_stop(session, principal, reply, reply.contact_id, now=at)
    reply.state, reply.outcome = ReplyState.APPLIED_AT_ONCE, outcome
    reply.decided_by, reply.decided_at = principal.actor, at
    InboxRepository(session).flush()
    record(
        session,
        actor=principal.actor,
        action="reply.stop_applied",
        subject_type="reply",
        subject_id=reply.id,
        details={"message_id": reply.message_id, "customer_id": reply.customer_id, **outcome},
    )


def _reply(
    name: str,
    key: str,
    message: ParsedMessage,
    reading: ReplyReading,
    link: Link,
    repo: InboxRepository,
    at: datetime,
) -> ReceivedReply:
    currency = reading.currency or (repo.any_currency(link.customer_id) if link.customer_id else None)
    return ReceivedReply(
        message_id=key,
        in_reply_to=message.in_reply_to,
        sender=message.sender[:320] if message.sender else None,
        subject=message.subject,
        sent_at=message.sent,
        received_at=at,
        source=name[:300],
        fresh_text=reading.fresh_text,
        language=reading.language[:16],
        customer_id=link.customer_id,
        reminder_id=link.reminder_id,
        contact_id=link.contact_id,
        linked_by=link.linked_by,
        intent=reading.intent,
        confidence=reading.confidence,
        evidence=reading.evidence,
        promise_date=reading.promise_date,
        promise_amount_minor=_minor(reading, currency),
        currency=currency if reading.promise_amount is not None else reading.currency,
        dispute_category=reading.dispute_category,
        invoice_refs=list(reading.invoice_refs),
        return_date=reading.return_date,
        new_contact=reading.new_contact[:320] if reading.new_contact else None,
        state=ReplyState.SUGGESTED,
        attention=link.why_not if link.linked_by is LinkedBy.NONE else None,
        outcome={},
    )


def _minor(reading: ReplyReading, currency: str | None) -> int | None:
    """The stated amount in minor units, when a currency says how many (the reply's own, else the
    customer's); an amount no currency can hold is left out rather than guessed."""
    if reading.promise_amount is None or currency is None:
        return None
    try:
        return Money.of(reading.promise_amount, currency).to_minor()
    except (DunwellError, ValueError, ArithmeticError):
        return None


def _outcome(name: str, status: FileStatus, reply: ReceivedReply) -> FileOutcome:
    return FileOutcome(
        name,
        status,
        reply_id=reply.id,
        message_id=reply.message_id,
        intent=reply.intent.value,
        state=reply.state.value,
        linked_by=reply.linked_by.value,
        customer_id=reply.customer_id,
        reason=reply.attention,
    )
