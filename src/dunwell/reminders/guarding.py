"""The compliance guard at send time: a reminder and what the book knows about its customer and
contact become a ``dunning.compliance`` case, which the pure guard decides.

What the book does not know is passed as unknown, and the guard reads unknown the fail-closed way:
no consent record is no consent (SMS, automated calls). A written cease request and legal
representation are holds (``cease``, ``attorney``); opt-outs are the contact's channel consents;
the contact's time zone (else the customer's, else UTC) sets the window. History is the customer's
touches and the reminders already sent in the last 30 days: calls with their outcome (a wrong
number never connected; no answer or a voicemail is a placed call; anything else a conversation),
messages as sent. On a commercial ledger every contact counts against the weekly cap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from dunwell.core.collections import HoldReason, TouchChannel, TouchDirection, TouchOutcome
from dunwell.core.reminders import Ledger as BookLedger
from dunwell.dunning.compliance.case import (
    Automation,
    Case,
    Channel,
    Consent,
    ContactKind,
    Debtor,
    Ledger,
    PastContact,
    ProposedAction,
)
from dunwell.dunning.compliance.decision import DEFAULT_POLICY, Decision, Policy
from dunwell.dunning.compliance.guard import decide
from dunwell.orm.reminders import Reminder
from dunwell.reminders.book_repository import DunningBookRepository
from dunwell.reminders.confirmations import is_opt_out_confirmation
from dunwell.reminders.repository import OutboxRepository

HISTORY_DAYS = 30
_CALL_KIND = {
    TouchOutcome.WRONG_NUMBER: ContactKind.NOT_CONNECTED,
    TouchOutcome.NO_ANSWER: ContactKind.ATTEMPT,
    TouchOutcome.VOICEMAIL: ContactKind.ATTEMPT,
    TouchOutcome.LEFT_MESSAGE: ContactKind.ATTEMPT,
}
_TOUCH_CHANNEL = {
    TouchChannel.CALL: Channel.CALL,
    TouchChannel.EMAIL: Channel.EMAIL,
    TouchChannel.SMS: Channel.SMS,
    TouchChannel.LETTER: Channel.LETTER,
}


def case_for(session: Session, reminder: Reminder, at: datetime) -> Case:
    outbox = OutboxRepository(session)
    customer = outbox.customer(reminder.customer_id)
    if customer is None:
        raise LookupError(f"reminder {reminder.id}: customer {reminder.customer_id} is gone")
    contact = outbox.contact(reminder.contact_id)
    day = at.date()
    holds = [
        h
        for h in DunningBookRepository(session).holds(day)
        if h.customer_id == customer.id and h.starts_on <= day and h.invoice_id is None
    ]
    reasons = {h.reason for h in holds}
    zones = [z for z in (_zone(contact.time_zone if contact else None), _zone(customer.time_zone)) if z]
    opted_out, consent = _consents(session, reminder, day)
    debtor = Debtor(
        time_zones=tuple(dict.fromkeys(zones)) or (ZoneInfo("UTC"),),
        cease_requested=HoldReason.CEASE in reasons,
        represented_by_attorney=HoldReason.ATTORNEY in reasons,
        opted_out_channels=opted_out,
        consent=consent,
        # Not recorded in the book: unknown, which the guard reads as "prohibits" for a work address.
        employer_prohibits_contact_at_work=None,
    )
    since = at - timedelta(days=HISTORY_DAYS)
    history: list[PastContact] = []
    for touch in outbox.touches(customer.id, since):
        channel = _TOUCH_CHANNEL.get(touch.channel)
        if channel is None or touch.direction is not TouchDirection.OUTBOUND:
            continue
        kind = (
            _CALL_KIND.get(touch.outcome, ContactKind.CONVERSATION)
            if channel is Channel.CALL
            else ContactKind.SENT
        )
        history.append(PastContact(_aware(touch.occurred_at), channel, kind, _debt(reminder)))
    action = ProposedAction(
        at=at,
        channel=Channel(reminder.channel),
        debt_id=_debt(reminder),
        # Dunwell places no automated calls: a call step is a task a collector dials by hand.
        automation=Automation.MANUAL if reminder.channel == "call" else Automation.UNSPECIFIED,
        # A role mailbox (accounts payable) is the company's, not a person's workplace inbox.
        to_work_address=False
        if contact is None or contact.is_role_mailbox or not contact.is_natural_person
        else None,
        includes_opt_out_notice=bool(reminder.document.get("opt_out_notice"))
        if reminder.channel in {"email", "sms"}
        else None,
        confirms_opt_out=is_opt_out_confirmation(reminder),
    )
    ledger = Ledger.CONSUMER if customer.ledger == BookLedger.CONSUMER else Ledger.COMMERCIAL
    return Case(
        ledger=ledger, debtor=debtor, history=tuple(sorted(history, key=lambda c: c.at)), action=action
    )


def guard(session: Session, reminder: Reminder, at: datetime, *, policy: Policy = DEFAULT_POLICY) -> Decision:
    """The guard's decision on sending ``reminder`` at ``at``."""
    return decide(case_for(session, reminder, at), policy=policy)


def _consents(session: Session, reminder: Reminder, day: date) -> tuple[frozenset[Channel], Consent]:
    if reminder.contact_id is None:
        return frozenset(), Consent()
    contacts = DunningBookRepository(session).contacts(day, [reminder.customer_id])
    found = next((c for c in contacts.get(reminder.customer_id, []) if c.id == reminder.contact_id), None)
    if found is None:
        return frozenset(), Consent()
    opted = frozenset(Channel(c) for c in found.opted_out if c in {m.value for m in Channel})
    return opted, Consent(sms=("sms" in found.consented) or None)


def _debt(reminder: Reminder) -> str:
    # One consolidated message covers the customer's debts in one currency (RF-CALL-3: a contact
    # about several debts counts for each; counting them as one debt is the stricter reading).
    return f"{reminder.customer_id}:{reminder.currency}"


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
