"""Planning a day's reminders: read the book, let the pure planner decide, write every planned
message to the outbox with its idempotency key and every skip with its reason.

A message planned for several channels (email and a call task) becomes one outbox row per channel
(key ``<planner key>:<channel>``); the planner's history groups them back. A message that needs a
person's approval waits as ``awaiting_approval``; the rest are ``queued`` for the customer's send
hour in the contact's time zone. Writing is idempotent twice over: the planner plans nothing it has
already planned, and the key is unique in the table, so two planners racing write one row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from dunwell.collections.payment_plans import live_plans
from dunwell.core.access import Principal
from dunwell.core.collections import Channel
from dunwell.core.reminders import Ledger, ReminderEventKind, ReminderStatus
from dunwell.dunning.planner import plan
from dunwell.dunning.planner_inputs import ActivePlan, PastLine, PastMessage
from dunwell.dunning.planner_values import Plan, PlannedMessage
from dunwell.dunning.policy import PolicyBook
from dunwell.kit.audit import record
from dunwell.orm.reminders import Reminder, ReminderSkip
from dunwell.reminders.book_repository import CustomerRecord, DunningBookRepository
from dunwell.reminders.composing import LatePaymentRules, compose
from dunwell.reminders.drafting import draft
from dunwell.reminders.facts import (
    Recipient,
    channel_access,
    customer_facts,
    holds_by_customer,
    local_hours,
    open_items,
    payments_by_customer,
    promises_by_customer,
)
from dunwell.reminders.model_drafting import ModelDrafting, StepWording, Wordings
from dunwell.reminders.repository import OutboxRepository
from dunwell.segments.service import segments_as_of
from dunwell.worklist.repository import WorklistRepository

PLANNER = "dunwell-planner"
#: How far back payments are read for the cash-squeeze signs (the policies' lookback is at most this).
PAYMENT_LOOKBACK_DAYS = 365


@dataclass
class PlanOutcome:
    as_of: date
    plan: Plan
    written: list[Reminder] = field(default_factory=list)
    already_planned: int = 0
    skips_written: int = 0
    notes: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        by_status: dict[str, int] = defaultdict(int)
        for reminder in self.written:
            by_status[reminder.status.value] += 1
        return {
            "as_of": self.as_of.isoformat(),
            "messages": len(self.plan.messages),
            "reminders_written": len(self.written),
            "by_status": dict(by_status),
            "already_planned": self.already_planned,
            "skipped_customers": len(self.plan.skips),
        }


def plan_reminders(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    book: PolicyBook,
    rules: LatePaymentRules | None,
    now: datetime | None = None,
    drafting: ModelDrafting | None = None,
) -> PlanOutcome:
    """Plan ``as_of`` for the principal's portfolio and write it to the outbox (in the caller's
    transaction). Replanning the same day writes nothing new. With ``drafting``, the emails of steps
    with ``ai_draft`` are worded by the model where the fact guard passes its draft."""
    principal.require_write()
    moment = now or datetime.now(UTC)
    repository = DunningBookRepository(session)
    customers = repository.customers(principal.portfolio)
    items = repository.open_items(customers)
    ids = set(customers)
    contacts = repository.contacts(as_of, ids)
    grace = max((p.promise_grace_days for p in book.policies.values()), default=3)
    recent_days = max((p.recent_cash_days for p in book.policies.values()), default=5)
    holds = holds_by_customer(h for h in repository.holds(as_of) if h.customer_id in ids)
    open_promises, broken = promises_by_customer(
        (row for row in repository.promises(as_of, grace) if row[0].customer_id in ids), as_of, grace
    )
    payments = payments_by_customer(
        row
        for row in repository.payments_since(as_of - timedelta(days=PAYMENT_LOOKBACK_DAYS), as_of)
        if row[0] in ids
    )
    plans = live_plans(session, ids, as_of=as_of)
    zones = {c.id: c.time_zone for c in customers.values()}
    year_ago = _start(as_of - timedelta(days=365))
    # When they are at their desk: their own calls and messages to us, and the emails they opened.
    hours = local_hours([*repository.inbound_touch_times(year_ago), *repository.open_times(year_ago)], zones)
    recent_cash = WorklistRepository(session).customers_with_recent_cash(
        since=as_of - timedelta(days=recent_days), known=as_of
    )
    segments = {row.customer_id: row.segment.value for row in segments_as_of(session, principal, as_of=as_of)}
    recipients: dict[int, dict[Channel, Recipient]] = {}
    facts = []
    for customer in customers.values():
        access, chosen = channel_access(contacts.get(customer.id, []), customer.postal_address)
        recipients[customer.id] = chosen
        facts.append(
            customer_facts(
                customer,
                segment=segments.get(customer.id),
                access=access,
                holds=holds.get(customer.id, []),
                promises=open_promises.get(customer.id, []),
                broken=broken.get(customer.id, []),
                recent_cash=customer.id in recent_cash,
                day=as_of,
                payments=payments.get(customer.id, []),
                hours=hours.get(customer.id, []),
                plans=tuple(ActivePlan(items, kept) for items, kept in plans.get(customer.id, [])),
            )
        )
    outbox = OutboxRepository(session)
    history = planner_history(outbox, book, ids)
    result = plan(as_of=as_of, book=book, customers=facts, items=open_items(items), history=history)
    outcome = PlanOutcome(as_of=as_of, plan=result)
    wordings = Wordings(session, drafting, payments, {c: len(days) for c, days in broken.items()})
    _write_messages(
        session, outcome, customers, recipients, book=book, rules=rules, now=moment, wordings=wordings
    )
    _write_skips(session, outcome, ids)
    record(
        session,
        actor=principal.actor,
        action="reminder.planned_day",
        subject_type="dunning_plan",
        subject_id=as_of.isoformat(),
        details=outcome.summary(),
    )
    return outcome


def planner_history(outbox: OutboxRepository, book: PolicyBook, customers: set[int]) -> list[PastMessage]:
    """The outbox as the planner's memory: one past message per planner key (its channels' rows
    folded together), each item at the step it was listed at."""
    grouped: dict[str, PastMessage] = {}
    for reminder, lines in outbox.history(customers):
        base = reminder.key.rsplit(":", 1)[0]
        if base in grouped:
            continue
        steps = book.policies.get(reminder.policy)
        ids = [s.id for s in steps.steps] if steps else []
        grouped[base] = PastMessage(
            key=base,
            customer_id=reminder.customer_id,
            currency=reminder.currency,
            step_id=reminder.step,
            day=reminder.planned_on,
            lines=tuple(
                PastLine(invoice_id, ids[index] if 0 <= index < len(ids) else reminder.step)
                for invoice_id, index in lines
            ),
        )
    return list(grouped.values())


def _write_messages(
    session: Session,
    outcome: PlanOutcome,
    customers: dict[int, CustomerRecord],
    recipients: dict[int, dict[Channel, Recipient]],
    *,
    book: PolicyBook,
    rules: LatePaymentRules | None,
    now: datetime,
    wordings: Wordings,
) -> None:
    outbox = OutboxRepository(session)
    indexes = {name: policy.step_index() for name, policy in book.policies.items()}
    keys = [f"{m.key}:{c.value}" for m in outcome.plan.messages for c in m.channels]
    existing = outbox.existing_keys(keys)
    for message in outcome.plan.messages:
        customer = customers[message.customer_id]
        for channel in message.channels:
            key = f"{message.key}:{channel.value}"
            if key in existing:
                outcome.already_planned += 1
                continue
            steps = indexes[message.policy]
            reminder = _reminder(
                message,
                channel,
                customer,
                recipients[customer.id].get(channel),
                outcome,
                step_index=steps[message.step_id],
                rules=rules,
                now=now,
                wording=wordings.for_message(book, message, customer, outcome.as_of),
            )
            outbox.add(reminder)
            outbox.flush()
            outbox.add_items(
                reminder.id,
                (
                    (line.item_id, steps[line.step_id or message.step_id], line.open_minor)
                    for line in message.lines
                ),
            )
            why = "; ".join(r.text for r in message.reasons)
            outbox.add_event(reminder.id, ReminderEventKind.PLANNED, PLANNER, detail=why[:2000])
            record(
                session,
                actor=PLANNER,
                action="reminder.planned",
                subject_type="reminder",
                subject_id=reminder.id,
                details={
                    "key": key,
                    "customer_id": customer.id,
                    "step": message.step_id,
                    "channel": channel.value,
                    "status": reminder.status.value,
                    "total_minor": message.total_minor,
                    "currency": message.currency,
                    "reasons": [r.to_dict() for r in message.reasons],
                    "approval": [r.to_dict() for r in message.approval],
                },
            )
            outcome.written.append(reminder)


def _reminder(
    message: PlannedMessage,
    channel: Channel,
    customer: CustomerRecord,
    recipient: Recipient | None,
    outcome: PlanOutcome,
    *,
    step_index: int,
    rules: LatePaymentRules | None,
    now: datetime,
    wording: StepWording | None = None,
) -> Reminder:
    language = (recipient.language if recipient and recipient.language else None) or _country_language(
        customer.country
    )
    document, notes = compose(
        message,
        customer,
        as_of=outcome.as_of,
        language=language,
        contact_name=recipient.name if recipient and not recipient.role_mailbox else "",
        channel=channel.value,
        consumer=customer.ledger == Ledger.CONSUMER.value,
        rules=rules,
    )
    if channel is Channel.LETTER and recipient and recipient.address:
        # The window of the envelope: the company, the person if one is named, then the address.
        named = [customer.name, recipient.name if not recipient.role_mailbox else ""]
        document["address"] = "\n".join([*(n for n in named if n), recipient.address])
    # Its side of the send-time experiment, for `dunwell dunning send-time-gain`.
    document["send_time"] = {"arm": message.send_time_arm.value, "local_hour": message.send_at_local_hour}
    words = draft(document, channel.value)
    reworded = wording.reword(document, channel.value, words) if wording else None
    if reworded is not None:
        words = reworded.words
        document["drafting"] = reworded.record
    zone = _zone(recipient.time_zone if recipient and recipient.time_zone else customer.time_zone)
    local = datetime.combine(outcome.as_of, time(message.send_at_local_hour), tzinfo=zone)
    send_after = local.astimezone(UTC)  # already past when planned late: due at once
    reasons = [r.to_dict() for r in message.reasons] + [r.to_dict() for r in message.approval] + notes
    needs_approval = message.needs_approval
    if reworded is not None:
        reasons.extend(reworded.reasons)
        needs_approval = needs_approval or reworded.needs_approval
    if customer.strategic and not any(r.code.value == "strategic" for r in message.approval):
        # Whatever a policy file says, a strategic account never gets a message no person approved.
        needs_approval = True
        reasons.append({"code": "strategic", "text": "a strategic account: a person approves every message"})
    if notes:
        outcome.notes[message.key] = notes
    return Reminder(
        key=f"{message.key}:{channel.value}",
        customer_id=customer.id,
        contact_id=recipient.contact_id if recipient else None,
        currency=message.currency,
        policy=message.policy,
        step=message.step_id,
        step_index=step_index,
        tone=message.tone.value,
        channel=channel.value,
        language=language,
        planned_on=outcome.as_of,
        send_after=send_after,
        status=ReminderStatus.AWAITING_APPROVAL if needs_approval else ReminderStatus.QUEUED,
        needs_approval=needs_approval,
        reasons=reasons,
        total_minor=message.total_minor,
        to_address=recipient.address if recipient else None,
        subject=words.subject,
        body=words.body,
        document=document,
        attempts=0,
    )


def _write_skips(session: Session, outcome: PlanOutcome, customers: set[int]) -> None:
    rows: list[ReminderSkip] = []
    for skip in outcome.plan.skips:
        for reason in skip.reasons:
            rows.append(
                ReminderSkip(
                    planned_on=outcome.as_of,
                    customer_id=skip.customer_id,
                    currency=skip.currency,
                    code=reason.code.value,
                    reason=reason.text,
                )
            )
        for item in skip.items:
            for reason in item.reasons:
                rows.append(
                    ReminderSkip(
                        planned_on=outcome.as_of,
                        customer_id=skip.customer_id,
                        currency=skip.currency,
                        invoice_id=item.item_id,
                        code=reason.code.value,
                        reason=reason.text,
                    )
                )
    for message in outcome.plan.messages:
        for item in message.left_out:
            for reason in item.reasons:
                rows.append(
                    ReminderSkip(
                        planned_on=outcome.as_of,
                        customer_id=message.customer_id,
                        currency=message.currency,
                        invoice_id=item.item_id,
                        code=reason.code.value,
                        reason=reason.text,
                    )
                )
    OutboxRepository(session).replace_skips(outcome.as_of, rows, customers)
    outcome.skips_written = len(rows)


def _country_language(country: str | None) -> str:
    return {"DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "ES": "es", "MX": "es"}.get(
        (country or "").upper(), "en"
    )


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
