"""The sender: every queued reminder whose time has come goes through the compliance guard, then
through its channel, each in its own small transactions so a crash loses nothing and sends nothing
twice.

For one reminder:

1. In a transaction: lock the row (PostgreSQL: ``SKIP LOCKED``, so two senders never share one),
   check it is still ``queued`` and due, and ask the guard. Blocked with a later allowed time: the
   reminder moves there (``deferred``, with the rule). Blocked for good: ``blocked``. Allowed: it
   becomes ``sending`` with one more attempt. Commit.
2. Outside any transaction: the channel sends it.
3. In a transaction: ``sent`` (a touch is logged, the audit log says who and what); or, on a
   temporary failure, back to ``queued`` after an exponential backoff until the attempts run out;
   on a permanent one ``failed``, and a bounced email address is marked on the contact.

A sender killed between 1 and 3 leaves the reminder ``sending``. The next run does not send it
again (it cannot know whether the channel took it): once the lease has passed it becomes
``unconfirmed`` and waits for a person, who sees it on the Dunning page. Nothing is lost, nothing
goes twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.collections import TouchChannel, TouchDirection, TouchOutcome, TouchTone
from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.kit.audit import record
from dunwell.kit.db import unit_of_work
from dunwell.orm.collections import Touch
from dunwell.orm.reminders import Reminder
from dunwell.reminders.channels import (
    Attachment,
    Channel,
    OutboundMessage,
    PermanentFailure,
    TemporaryFailure,
)
from dunwell.reminders.confirmations import is_opt_out_confirmation
from dunwell.reminders.documents import letter_pdf, statement_pdf
from dunwell.reminders.repository import OutboxRepository

SENDER = "dunwell-sender"
#: A reminder left ``sending`` this long by a sender that is gone is handed to a person.
DEFAULT_LEASE = timedelta(minutes=15)


class Block(Protocol):
    rule: str
    reason: str


class Verdict(Protocol):
    @property
    def allowed(self) -> bool: ...
    @property
    def blocked_by(self) -> Any: ...  # a sequence of Block
    @property
    def next_allowed_at(self) -> datetime | None: ...


#: Decides one reminder at one moment, reading what it needs through the session.
Guard = Callable[[Session, Reminder, datetime], Verdict]


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0
    blocked: int = 0
    retried: int = 0
    failed: int = 0
    unconfirmed: int = 0
    skipped: int = 0  # taken by another sender, or no longer queued
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "deferred": self.deferred,
            "blocked": self.blocked,
            "retried": self.retried,
            "failed": self.failed,
            "unconfirmed": self.unconfirmed,
            "skipped": self.skipped,
            "problems": self.problems,
        }


@dataclass(frozen=True)
class SenderSettings:
    max_attempts: int = 5
    retry_base: timedelta = timedelta(minutes=5)
    lease: timedelta = DEFAULT_LEASE


def send_due(
    sessions: sessionmaker[Session],
    *,
    channels: Mapping[str, Channel],
    guard: Guard,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    settings: SenderSettings = SenderSettings(),
    limit: int | None = None,
) -> SendReport:
    """Send every queued reminder that is due now (at most ``limit``)."""
    report = SendReport()
    with unit_of_work(sessions) as session:
        report.unconfirmed = hand_over_stale(session, now() - settings.lease)
    with unit_of_work(sessions) as session:
        due = OutboxRepository(session).due_ids(now(), limit=limit)
    for reminder_id in due:
        send_one(
            sessions, reminder_id, channels=channels, guard=guard, now=now, settings=settings, report=report
        )
    return report


def hand_over_stale(session: Session, before: datetime) -> int:
    """``sending`` rows whose sender has been gone longer than the lease become ``unconfirmed``."""
    outbox = OutboxRepository(session)
    stale = outbox.stale_sending(before)
    for reminder in stale:
        reminder.status = ReminderStatus.UNCONFIRMED
        detail = "the sender stopped while sending: check whether it arrived before sending it again"
        outbox.add_event(reminder.id, ReminderEventKind.UNCONFIRMED, SENDER, detail=detail)
        record(
            session,
            actor=SENDER,
            action="reminder.unconfirmed",
            subject_type="reminder",
            subject_id=reminder.id,
            details={"key": reminder.key},
        )
    return len(stale)


def send_one(
    sessions: sessionmaker[Session],
    reminder_id: int,
    *,
    channels: Mapping[str, Channel],
    guard: Guard,
    now: Callable[[], datetime],
    settings: SenderSettings,
    report: SendReport,
) -> None:
    """Steps 1-3 for one reminder (also the job function the PostgreSQL worker runs)."""
    with unit_of_work(sessions) as session:
        message = _claim(session, reminder_id, guard=guard, at=now(), report=report, channels=channels)
    if message is None:
        return
    channel = channels[message.channel]
    try:
        delivery = channel.send(message)
    except TemporaryFailure as error:
        with unit_of_work(sessions) as session:
            _temporary(session, reminder_id, str(error), at=now(), settings=settings, report=report)
        return
    except PermanentFailure as error:
        with unit_of_work(sessions) as session:
            _permanent(session, reminder_id, str(error), at=now(), report=report)
        return
    with unit_of_work(sessions) as session:
        _sent(session, reminder_id, delivery.provider_ref, at=now(), report=report)


def _claim(
    session: Session,
    reminder_id: int,
    *,
    guard: Guard,
    at: datetime,
    report: SendReport,
    channels: Mapping[str, Channel],
) -> OutboundMessage | None:
    outbox = OutboxRepository(session)
    reminder = outbox.reminder(reminder_id, lock=True)
    if reminder is None or reminder.status is not ReminderStatus.QUEUED or _aware(reminder.send_after) > at:
        report.skipped += 1
        return None
    if reminder.channel not in channels:
        # Not configured here (no SMS provider): a person decides, nothing is dropped silently.
        _block(session, reminder, "CHANNEL-1", f"no {reminder.channel} channel is configured", at, report)
        return None
    verdict = guard(session, reminder, at)
    if not verdict.allowed:
        blocks = list(verdict.blocked_by)
        rule = ",".join(b.rule for b in blocks) or "GUARD"
        reason = "; ".join(f"{b.rule}: {b.reason}" for b in blocks)
        if verdict.next_allowed_at is None:
            _block(session, reminder, rule, reason, at, report)
            return None
        reminder.send_after = verdict.next_allowed_at
        outbox.add_event(
            reminder.id,
            ReminderEventKind.DEFERRED,
            SENDER,
            rule=rule,
            detail=f"{reason}; next allowed {verdict.next_allowed_at.isoformat()}",
        )
        record(
            session,
            actor=SENDER,
            action="reminder.deferred",
            subject_type="reminder",
            subject_id=reminder.id,
            details={
                "rules": [b.rule for b in blocks],
                "reason": reason,
                "next_allowed_at": verdict.next_allowed_at.isoformat(),
            },
        )
        report.deferred += 1
        return None
    reminder.status = ReminderStatus.SENDING
    reminder.attempts += 1
    outbox.add_event(reminder.id, ReminderEventKind.SENDING, SENDER, detail=f"attempt {reminder.attempts}")
    return _outbound(reminder)


def _block(
    session: Session, reminder: Reminder, rule: str, reason: str, at: datetime, report: SendReport
) -> None:
    reminder.status = ReminderStatus.BLOCKED
    OutboxRepository(session).add_event(
        reminder.id, ReminderEventKind.BLOCKED, SENDER, rule=rule, detail=reason
    )
    record(
        session,
        actor=SENDER,
        action="reminder.blocked",
        subject_type="reminder",
        subject_id=reminder.id,
        details={"rules": rule.split(","), "reason": reason, "at": at.isoformat()},
    )
    report.blocked += 1
    return


def _outbound(reminder: Reminder) -> OutboundMessage:
    attachments: tuple[Attachment, ...] = ()
    # An opt-out confirmation holds nothing but the confirmation (RF-MEDIA-1): no statement, no pixel.
    confirmation = is_opt_out_confirmation(reminder)
    if reminder.channel == "email" and not confirmation:
        pdf = statement_pdf(reminder.document)
        attachments = (
            Attachment(f"statement-{reminder.document['customer']['number']}.pdf", "application/pdf", pdf),
        )
    elif reminder.channel == "letter":
        attachments = (Attachment("letter.pdf", "application/pdf", letter_pdf(reminder.document)),)
    return OutboundMessage(
        key=reminder.key,
        channel=reminder.channel,
        to_address=reminder.to_address,
        subject=reminder.subject,
        body=reminder.body,
        language=reminder.language,
        attachments=attachments,
        recipient_name=str(reminder.document.get("customer", {}).get("name", "")),
        tracking_id=None if confirmation else str(reminder.id),
    )


def _sent(session: Session, reminder_id: int, provider_ref: str, *, at: datetime, report: SendReport) -> None:
    outbox = OutboxRepository(session)
    reminder = outbox.reminder(reminder_id)
    assert reminder is not None  # noqa: S101 - claimed by this sender a moment ago
    reminder.status = ReminderStatus.SENT
    reminder.sent_at = at
    reminder.provider_ref = provider_ref
    reminder.last_error = None
    outbox.add_event(reminder.id, ReminderEventKind.SENT, SENDER, detail=provider_ref)
    channel = {"email": TouchChannel.EMAIL, "sms": TouchChannel.SMS, "letter": TouchChannel.LETTER}.get(
        reminder.channel
    )
    if channel is not None:  # a call task is not a touch until a collector makes the call
        outbox.add(
            Touch(
                customer_id=reminder.customer_id,
                contact_id=reminder.contact_id,
                channel=channel,
                direction=TouchDirection.OUTBOUND,
                outcome=TouchOutcome.SENT,
                tone=_touch_tone(reminder),
                occurred_at=at,
                note=f"Reminder ({reminder.step}): {reminder.subject}"[:2000],
            )
        )
    record(
        session,
        actor=SENDER,
        action="reminder.sent",
        subject_type="reminder",
        subject_id=reminder.id,
        details={
            "key": reminder.key,
            "customer_id": reminder.customer_id,
            "channel": reminder.channel,
            "step": reminder.step,
            "provider_ref": provider_ref,
            "total_minor": reminder.total_minor,
            "currency": reminder.currency,
        },
    )
    report.sent += 1


def _touch_tone(reminder: Reminder) -> TouchTone | None:
    if is_opt_out_confirmation(reminder):
        return None  # no collection wording: the worklist must not learn from a confirmation
    return TouchTone.FRIENDLY if reminder.tone == "friendly" else TouchTone.FIRM


def _temporary(
    session: Session,
    reminder_id: int,
    error: str,
    *,
    at: datetime,
    settings: SenderSettings,
    report: SendReport,
) -> None:
    outbox = OutboxRepository(session)
    reminder = outbox.reminder(reminder_id)
    assert reminder is not None  # noqa: S101
    reminder.last_error = error[:2000]
    if reminder.attempts >= settings.max_attempts:
        _fail(session, reminder, f"gave up after {reminder.attempts} attempts: {error}", report)
        return
    wait = settings.retry_base * (2 ** (reminder.attempts - 1))
    reminder.status = ReminderStatus.QUEUED
    reminder.send_after = at + wait
    outbox.add_event(reminder.id, ReminderEventKind.RETRY, SENDER, detail=f"{error}; next try after {wait}")
    report.retried += 1


def _permanent(session: Session, reminder_id: int, error: str, *, at: datetime, report: SendReport) -> None:
    outbox = OutboxRepository(session)
    reminder = outbox.reminder(reminder_id)
    assert reminder is not None  # noqa: S101
    reminder.last_error = error[:2000]
    if reminder.channel == "email" and reminder.contact_id is not None:
        # A bounce is recorded on the contact: no further reminder goes to that address until fixed.
        outbox.mark_undeliverable(reminder.contact_id, at, error)
    _fail(session, reminder, error, report)


def _fail(session: Session, reminder: Reminder, error: str, report: SendReport) -> None:
    reminder.status = ReminderStatus.FAILED
    OutboxRepository(session).add_event(reminder.id, ReminderEventKind.FAILED, SENDER, detail=error[:2000])
    record(
        session,
        actor=SENDER,
        action="reminder.failed",
        subject_type="reminder",
        subject_id=reminder.id,
        details={
            "key": reminder.key,
            "channel": reminder.channel,
            "error": error[:500],
            "contact_id": reminder.contact_id,
        },
    )
    report.failed += 1


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
