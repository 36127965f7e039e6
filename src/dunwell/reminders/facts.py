"""The book as the dunning planner reads it: database records turned into the planner's plain
values (``dunning.planner_inputs``), and each customer's contact for each channel.

Channel access follows the worklist's rule (ADR 0025) and the guard's: a business contact with an
address may be written to (legitimate interest, RULES.md GDPR-6) unless they opted out; a natural
person only on channels they consented to; an SMS always needs consent (TCPA-1, fail-closed); an
email address that bounced is no address until someone fixes it. A letter needs a contact or the
customer's own record (the print service addresses it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dunwell.core.collections import Channel, HoldReason, PromiseStatus
from dunwell.dunning.planner_inputs import (
    ActivePlan,
    ContactAccess,
    CustomerFacts,
    Hold,
    OpenItem,
    OpenPromise,
    PaymentEvent,
    UnappliedCash,
)
from dunwell.orm.collections import Hold as HoldRow
from dunwell.orm.collections import PromiseToPay
from dunwell.reminders.book_repository import ContactRecord, CustomerRecord, ItemRecord


def _has_address(channel: Channel, contact: ContactRecord, postal_address: str | None) -> bool:
    """What a channel needs: an email that did not bounce, a phone number, or for a letter the
    customer's postal address (any contact may be named on it)."""
    if channel is Channel.EMAIL:
        return bool(contact.email) and not contact.email_bounced
    if channel in (Channel.SMS, Channel.CALL):
        return bool(contact.phone)
    return bool(postal_address)


#: Channels that need the person's consent even for a business contact.
_CONSENT_ALWAYS = frozenset({Channel.SMS})


@dataclass(frozen=True, slots=True)
class Recipient:
    contact_id: int | None
    name: str
    address: str | None  # email address or phone number; None for a letter or call task
    language: str | None
    time_zone: str | None
    #: A shared mailbox (accounts payable): greeted as a team, not by the mailbox's name.
    role_mailbox: bool = False


def channel_access(
    contacts: list[ContactRecord], postal_address: str | None = None
) -> tuple[dict[Channel, ContactAccess], dict[Channel, Recipient]]:
    """Per channel, whether someone can be reached on it (and why not), and whom to write to:
    an accounts-payable mailbox before a person, then the first contact recorded."""
    access: dict[Channel, ContactAccess] = {}
    chosen: dict[Channel, Recipient] = {}
    ranked = sorted(contacts, key=lambda c: (not c.role_mailbox, c.id))
    for channel in Channel:
        with_address = [c for c in ranked if _has_address(channel, c, postal_address)]
        if not with_address:
            access[channel] = ContactAccess.NO_ADDRESS
            continue
        allowed = [c for c in with_address if channel.value not in c.opted_out]
        if not allowed:
            access[channel] = ContactAccess.OPTED_OUT
            continue
        consenting = [c for c in allowed if not _needs_consent(channel, c) or channel.value in c.consented]
        if not consenting:
            access[channel] = ContactAccess.NO_CONSENT
            continue
        access[channel] = ContactAccess.USABLE
        first = consenting[0]
        address = {Channel.EMAIL: first.email, Channel.SMS: first.phone, Channel.LETTER: postal_address}.get(
            channel
        )
        chosen[channel] = Recipient(
            first.id, first.name, address, first.language, first.time_zone, first.role_mailbox
        )
    return access, chosen


def _needs_consent(channel: Channel, contact: ContactRecord) -> bool:
    return channel in _CONSENT_ALWAYS or contact.natural_person


def open_items(records: Iterable[ItemRecord]) -> list[OpenItem]:
    return [
        OpenItem(
            item_id=r.id,
            customer_id=r.customer_id,
            currency=r.currency,
            due_date=r.due_date,
            open_minor=r.open_minor,
            reference=r.number,
            disputed=r.disputed,
        )
        for r in records
    ]


def holds_by_customer(rows: Iterable[HoldRow]) -> dict[int, list[Hold]]:
    found: dict[int, list[Hold]] = defaultdict(list)
    for row in rows:
        found[row.customer_id].append(
            Hold(HoldReason(row.reason), row.starts_on, row.ends_on, row.invoice_id)
        )
    return found


def promises_by_customer(
    rows: Iterable[tuple[PromiseToPay, list[int]]], day: date, grace_days: int
) -> tuple[dict[int, list[OpenPromise]], dict[int, list[date]]]:
    """Promises still to be judged, and the days promises were broken (or partly kept)."""
    open_: dict[int, list[OpenPromise]] = defaultdict(list)
    broken: dict[int, list[date]] = defaultdict(list)
    for promise, invoices in rows:
        if promise.status in {PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT}:
            broken[promise.customer_id].append(promise.promised_date + timedelta(days=grace_days))
        elif promise.plan_id is None and promise.promised_date + timedelta(days=grace_days) >= day:
            # An instalment pauses its items through its plan (kept or not), not as a promise.
            items = frozenset(invoices) or (
                frozenset({promise.invoice_id}) if promise.invoice_id else frozenset()
            )
            open_[promise.customer_id].append(OpenPromise(promise.promised_date, promise.currency, items))
    return open_, broken


def payments_by_customer(rows: Iterable[tuple[int, date, date, int, int]]) -> dict[int, list[PaymentEvent]]:
    found: dict[int, list[PaymentEvent]] = defaultdict(list)
    for customer_id, applied_on, due_date, allocated, amount in rows:
        found[customer_id].append(PaymentEvent(applied_on, (applied_on - due_date).days, allocated < amount))
    return found


def local_hours(rows: Iterable[tuple[int, datetime]], zones: dict[int, str | None]) -> dict[int, list[int]]:
    """Local hours of the customers' own calls and messages to us (when they are at their desk)."""
    found: dict[int, list[int]] = defaultdict(list)
    for customer_id, moment in rows:
        zone = _zone(zones.get(customer_id))
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        found[customer_id].append(aware.astimezone(zone).hour)
    return found


def customer_facts(
    customer: CustomerRecord,
    *,
    segment: str | None,
    access: dict[Channel, ContactAccess],
    holds: list[Hold],
    promises: list[OpenPromise],
    broken: list[date],
    recent_cash: bool,
    day: date,
    payments: list[PaymentEvent],
    hours: list[int],
    plans: tuple[ActivePlan, ...] = (),
) -> CustomerFacts:
    return CustomerFacts(
        customer_id=customer.id,
        external_id=customer.external_id,
        segment=segment,
        entity=customer.entity,
        strategic=customer.strategic,
        channel_access=access,
        holds=tuple(holds),
        promises=tuple(promises),
        # The cash-application query says only that unapplied cash arrived in the window, not in
        # which currency: it pauses every currency, which is the safe side.
        unapplied_cash=(UnappliedCash(received_on=day),) if recent_cash else (),
        plans=plans,
        payments=tuple(payments),
        broken_promise_days=tuple(broken),
        engagement_hours=tuple(hours),
    )


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
