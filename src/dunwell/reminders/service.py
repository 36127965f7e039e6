"""Dunning for the edges (CLI, API, web): the policy book and late-payment rules in use, the
channels as configured, planning a day, sending what is due, and people approving, editing or
rejecting what waits for them. Every write is audited with its author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.dunning.assignment import resolve_policy
from dunwell.dunning.jurisdictions import shipped_jurisdictions
from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.policy_files import default_policy_book
from dunwell.dunning.policy_parse import parse_policy_text
from dunwell.dunning.reference_rates import (
    ReferenceRates,
    reference_rates_from_yaml,
    shipped_reference_rates,
    with_overrides,
)
from dunwell.kit.audit import record
from dunwell.orm.reminders import Reminder, ReminderEvent
from dunwell.reminders.book_repository import DunningBookRepository
from dunwell.reminders.channels import Channel
from dunwell.reminders.channels.calls import CallTasks
from dunwell.reminders.channels.email import EmailChannel, SmtpSettings
from dunwell.reminders.channels.letters import LetterFolder
from dunwell.reminders.channels.sms import sms_channel
from dunwell.reminders.composing import LatePaymentRules
from dunwell.reminders.guarding import guard
from dunwell.reminders.model_drafting import ModelDrafting
from dunwell.reminders.opens import pixel_url
from dunwell.reminders.planning import PlanOutcome, plan_reminders
from dunwell.reminders.repository import OutboxRepository
from dunwell.reminders.sending import SenderSettings, SendReport, send_due
from dunwell.segments.service import segments_as_of

#: The words an opt-out notice carries in every shipped language ("stop" in the subject or reply).
OPT_OUT_WORD = "stop"


def policy_book(settings: Settings) -> PolicyBook:
    """The configured policy file, or the shipped default."""
    if not settings.dunning_policy_file:
        return default_policy_book()
    path = Path(settings.dunning_policy_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DunwellError(
            f"cannot read the dunning policy file {path}: {error}", code="policy_file"
        ) from error
    return parse_policy_text(text, source=str(path))


def reference_rates(settings: Settings) -> ReferenceRates:
    """The shipped reference rates, with the series of the configured rates file in their place."""
    shipped = shipped_reference_rates()
    if not settings.reference_rates_file:
        return shipped
    path = Path(settings.reference_rates_file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DunwellError(
            f"cannot read the reference rates file {path}: {error}", code="rates_file"
        ) from error
    return with_overrides(shipped, reference_rates_from_yaml(text, source=str(path)))


def late_payment_rules(settings: Settings) -> LatePaymentRules:
    return LatePaymentRules(jurisdictions=shipped_jurisdictions(), rates=reference_rates(settings))


def channels(settings: Settings) -> dict[str, Channel]:
    """Every configured channel: email, letters and call tasks always; SMS when a provider is set."""
    found: dict[str, Channel] = {
        "email": EmailChannel(
            open_pixel=pixel_url(settings),
            settings=SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.mail_from,
                reply_to=settings.mail_reply_to,
                user=settings.smtp_user,
                password=settings.smtp_password,
                security=settings.smtp_security,
                timeout=settings.smtp_timeout_seconds,
            ),
        ),
        "letter": LetterFolder(Path(settings.letters_folder)),
        "call": CallTasks(),
    }
    if settings.sms_provider and settings.sms_provider_url:
        found["sms"] = sms_channel(
            settings.sms_provider, settings.sms_provider_url, settings.sms_provider_token
        )
    return found


def plan_day(session: Session, principal: Principal, settings: Settings, *, as_of: date) -> PlanOutcome:
    return plan_reminders(
        session,
        principal,
        as_of=as_of,
        book=policy_book(settings),
        rules=late_payment_rules(settings),
        drafting=ModelDrafting.from_settings(settings),
    )


def send(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    configured: dict[str, Channel] | None = None,
) -> SendReport:
    moment = now
    return send_due(
        sessions,
        channels=configured if configured is not None else channels(settings),
        guard=guard,
        now=(lambda: moment) if moment is not None else (lambda: datetime.now(UTC)),
        settings=SenderSettings(
            max_attempts=settings.dunning_max_attempts,
            retry_base=timedelta(minutes=settings.dunning_retry_base_minutes),
        ),
        limit=limit,
    )


def policy_for(
    session: Session, principal: Principal, settings: Settings, *, customer_ref: str, as_of: date
) -> dict[str, Any]:
    """Which policy a customer (by external id) gets on ``as_of``, and why."""
    found = DunningBookRepository(session).customer_by_ref(customer_ref, principal.portfolio)
    if found is None:
        raise DunwellError(
            f"no customer {customer_ref!r}", code="customer_not_found", kind=ErrorKind.NOT_FOUND
        )
    segment = next(
        (
            row.segment.value
            for row in segments_as_of(session, principal, as_of=as_of)
            if row.customer_id == found.id
        ),
        None,
    )
    book = policy_book(settings)
    resolved = resolve_policy(book, customer_ref=found.external_id, segment=segment, entity=found.entity)
    return {
        "customer_id": found.id,
        "external_id": found.external_id,
        "name": found.name,
        "segment": segment,
        "entity": found.entity,
        "policy": resolved.policy.name,
        "source": resolved.source.value,
        "key": resolved.key,
        "explanation": resolved.describe(),
        "steps": [
            {
                "id": s.id,
                "when": s.describe_when(),
                "tone": s.tone.value,
                "channels": [c.value for c in s.channels],
            }
            for s in resolved.policy.steps
        ],
    }


# --- people in charge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderView:
    reminder: Reminder
    events: list[ReminderEvent]


def waiting(session: Session, principal: Principal) -> list[Reminder]:
    """What waits for a person: approvals, and sends that stopped halfway (unconfirmed)."""
    statuses = [ReminderStatus.AWAITING_APPROVAL, ReminderStatus.UNCONFIRMED]
    return OutboxRepository(session).by_status(statuses, customers=_visible(session, principal))


def reminder(session: Session, principal: Principal, reminder_id: int) -> ReminderView:
    outbox = OutboxRepository(session)
    found = outbox.reminder(reminder_id)
    if found is None or not _may_see(session, principal, found):
        raise DunwellError("reminder not found", code="reminder_not_found", kind=ErrorKind.NOT_FOUND)
    return ReminderView(found, outbox.events(found.id))


def approve(session: Session, principal: Principal, reminder_id: int, *, note: str = "") -> Reminder:
    """A manager lets it go: it is queued for its send time (the guard still decides at send time)."""
    found = _decidable(
        session, principal, reminder_id, {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.UNCONFIRMED}
    )
    was = found.status
    if was is ReminderStatus.UNCONFIRMED:
        # A person checked that it did not arrive and wants it sent: that is a new attempt.
        note = note or "checked: it did not arrive"
    found.status = ReminderStatus.QUEUED
    _decided(session, principal, found, ReminderEventKind.APPROVED, note, was=was)
    return found


def reject(session: Session, principal: Principal, reminder_id: int, *, reason: str) -> Reminder:
    if not reason.strip():
        raise DunwellError("say why it is rejected", code="reason_required", kind=ErrorKind.INVALID)
    found = _decidable(
        session,
        principal,
        reminder_id,
        {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.UNCONFIRMED, ReminderStatus.QUEUED},
    )
    was = found.status
    found.status = ReminderStatus.REJECTED  # for an unconfirmed one: it arrived, or must not go again
    _decided(session, principal, found, ReminderEventKind.REJECTED, reason, was=was)
    return found


def edit(
    session: Session,
    principal: Principal,
    reminder_id: int,
    *,
    subject: str,
    body: str,
    now: datetime | None = None,
) -> tuple[Reminder, list[str]]:
    """Replace the words (plain text, never rendered as a template); the guard checks the edited
    message at once. An edit that the guard would block for good is refused; one it would only
    defer is kept, with the reason shown. Returns the reminder and the guard's remarks."""
    found = _decidable(
        session, principal, reminder_id, {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.QUEUED}
    )
    if not subject.strip() or not body.strip():
        raise DunwellError(
            "a reminder needs a subject and a body", code="empty_message", kind=ErrorKind.INVALID
        )
    before = {"subject": found.subject, "body": found.body}
    document = dict(found.document)
    # An edited body keeps the opt-out notice only if the words are still there (RF-ELEC-1).
    document["opt_out_notice"] = OPT_OUT_WORD in body.lower()
    found.subject, found.body, found.document = subject.strip()[:300], body, document
    decision = guard(session, found, now or datetime.now(UTC))
    remarks = [f"{b.rule}: {b.reason}" for b in decision.blocked_by]
    if not decision.allowed and decision.next_allowed_at is None:
        raise DunwellError(
            "the guard would never send this message: " + "; ".join(remarks),
            code="blocked_by_guard",
            kind=ErrorKind.INVALID,
        )
    OutboxRepository(session).add_event(
        found.id,
        ReminderEventKind.EDITED,
        principal.actor,
        detail="; ".join(remarks) or "the guard allows it",
    )
    record(
        session,
        actor=principal.actor,
        action="reminder.edited",
        subject_type="reminder",
        subject_id=found.id,
        details={"before": before, "after": {"subject": found.subject, "body": body}, "guard": remarks},
    )
    return found, remarks


def _decidable(
    session: Session, principal: Principal, reminder_id: int, statuses: set[ReminderStatus]
) -> Reminder:
    principal.require_manager()
    found = reminder(session, principal, reminder_id).reminder
    if found.status not in statuses:
        raise DunwellError(
            f"reminder {reminder_id} is {found.status.value}: nothing to decide",
            code="reminder_not_waiting",
            kind=ErrorKind.CONFLICT,
        )
    return found


def _decided(
    session: Session,
    principal: Principal,
    found: Reminder,
    kind: ReminderEventKind,
    note: str,
    *,
    was: ReminderStatus,
) -> None:
    found.decided_by, found.decided_at, found.decision_note = principal.actor, datetime.now(UTC), note or None
    OutboxRepository(session).add_event(found.id, kind, principal.actor, detail=note or None)
    record(
        session,
        actor=principal.actor,
        action=f"reminder.{kind.value}",
        subject_type="reminder",
        subject_id=found.id,
        details={"key": found.key, "was": was.value, "now": found.status.value, "note": note},
    )


def visible_customers(session: Session, principal: Principal) -> frozenset[int] | None:
    """The customers the principal may see (none: every customer)."""
    return _visible(session, principal)


def _visible(session: Session, principal: Principal) -> frozenset[int] | None:
    if principal.portfolio is None:
        return None
    return frozenset(DunningBookRepository(session).customers(principal.portfolio))


def _may_see(session: Session, principal: Principal, found: Reminder) -> bool:
    if principal.portfolio is None:
        return True
    customer = OutboxRepository(session).customer(found.customer_id)
    return customer is not None and principal.sees(customer.owner_id)
