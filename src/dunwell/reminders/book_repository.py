"""The SQL that reads the book for a dunning plan: open items, customers with their contacts and
consents, holds, promises, recent payments. Everything is as the book stands now (dunning runs on
today's book; a plan for an earlier day reads the holds, promises and consents in force that day)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from dunwell.core.collections import DisputeStatus, PromiseStatus, TouchChannel, TouchDirection
from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.core.reminders import ReminderEventKind
from dunwell.kit.bulk import one_of
from dunwell.orm.collections import Dispute, Hold, PromiseInvoice, PromiseToPay, Touch
from dunwell.orm.customer import Contact, ContactChannelConsent, Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation
from dunwell.orm.reminders import Reminder, ReminderEvent


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: int
    external_id: str
    name: str
    entity: str
    entity_name: str
    country: str | None
    time_zone: str | None
    strategic: bool
    ledger: str
    assigned_policy: str | None
    owner_id: int | None
    postal_address: str | None = None  # the lines a letter shows; none: no letter can go


@dataclass(frozen=True, slots=True)
class ContactRecord:
    id: int
    customer_id: int
    name: str
    natural_person: bool
    role_mailbox: bool
    email: str | None
    phone: str | None
    time_zone: str | None
    language: str | None
    email_bounced: bool
    consented: frozenset[str]
    opted_out: frozenset[str]


@dataclass(frozen=True, slots=True)
class ItemRecord:
    id: int
    customer_id: int
    number: str
    currency: str
    issue_date: date
    due_date: date
    amount_minor: int
    open_minor: int
    disputed: bool


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class DunningBookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def customers(
        self, owners: frozenset[int] | None, only: Collection[int] | None = None
    ) -> dict[int, CustomerRecord]:
        query = select(
            Customer.id,
            Customer.external_id,
            Customer.name,
            LegalEntity.code,
            LegalEntity.name,
            Customer.country,
            Customer.time_zone,
            Customer.strategic,
            Customer.ledger,
            Customer.dunning_policy,
            Customer.owner_id,
            Customer.postal_address,
        ).join(LegalEntity, LegalEntity.id == Customer.entity_id)
        if owners is not None:
            query = query.where(Customer.owner_id.in_(owners))
        if only is not None:
            query = query.where(one_of(self.session, Customer.id, list(only)))
        return {
            row[0]: CustomerRecord(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                bool(row[7]),
                str(row[8].value if hasattr(row[8], "value") else row[8]),
                row[9],
                row[10],
                row[11],
            )
            for row in self.session.execute(query)
        }

    def customer_by_ref(self, external_id: str, owners: frozenset[int] | None) -> CustomerRecord | None:
        query = select(Customer.id).where(Customer.external_id == external_id)
        ids = list(self.session.scalars(query))
        found = self.customers(owners, ids) if ids else {}
        return next(iter(found.values()), None)

    def open_items(self, customers: Collection[int] | None = None) -> list[ItemRecord]:
        """Open invoices and credit memos (negative), with what is still open on them now."""
        query = select(
            Invoice.id,
            Invoice.customer_id,
            Invoice.number,
            Invoice.currency,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.amount_minor,
            Invoice.open_amount_minor,
            Invoice.disputed,
        ).where(Invoice.status == DocumentStatus.OPEN, Invoice.open_amount_minor != 0)
        if customers is not None:
            query = query.where(one_of(self.session, Invoice.customer_id, list(customers)))
        return [
            ItemRecord(*row)
            for row in self.session.execute(query.order_by(Invoice.customer_id, Invoice.due_date, Invoice.id))
        ]

    def contacts(self, day: date, customers: Collection[int] | None = None) -> dict[int, list[ContactRecord]]:
        begins = start_of(day + timedelta(days=1))
        consented: dict[int, set[str]] = defaultdict(set)
        opted_out: dict[int, set[str]] = defaultdict(set)
        consents = select(
            ContactChannelConsent.contact_id,
            ContactChannelConsent.channel,
            ContactChannelConsent.consented,
            ContactChannelConsent.consented_at,
            ContactChannelConsent.opted_out_at,
        )
        for contact_id, channel, given, given_at, withdrawn_at in self.session.execute(consents):
            if given and (given_at is None or _before(given_at, begins)):
                consented[contact_id].add(channel.value)
            if withdrawn_at is not None and _before(withdrawn_at, begins):
                opted_out[contact_id].add(channel.value)
        query = select(
            Contact.id,
            Contact.customer_id,
            Contact.name,
            Contact.is_natural_person,
            Contact.is_role_mailbox,
            Contact.email,
            Contact.phone,
            Contact.time_zone,
            Contact.language,
            Contact.email_undeliverable_at,
        )
        if customers is not None:
            query = query.where(one_of(self.session, Contact.customer_id, list(customers)))
        found: dict[int, list[ContactRecord]] = defaultdict(list)
        for row in self.session.execute(query.order_by(Contact.id)):
            found[row[1]].append(
                ContactRecord(
                    row[0],
                    row[1],
                    row[2],
                    bool(row[3]),
                    bool(row[4]),
                    row[5],
                    row[6],
                    row[7],
                    row[8],
                    row[9] is not None,
                    frozenset(consented[row[0]]),
                    frozenset(opted_out[row[0]]),
                )
            )
        return found

    def holds(self, day: date) -> list[Hold]:
        query = select(Hold).where(
            Hold.ends_on >= day,
            or_(Hold.released_at.is_(None), Hold.released_at >= start_of(day + timedelta(days=1))),
        )
        return list(self.session.scalars(query))

    def promises(self, day: date, grace_days: int) -> list[tuple[PromiseToPay, list[int]]]:
        """Promises made by ``day`` and not cancelled whose day (plus grace) has not passed, or
        which were judged broken or partly kept in the last half year (a cash-squeeze sign)."""
        query = select(PromiseToPay).where(
            PromiseToPay.made_on <= day,
            PromiseToPay.status != PromiseStatus.CANCELLED,
            or_(
                PromiseToPay.promised_date >= day - timedelta(days=grace_days),
                and_(
                    PromiseToPay.status.in_([PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT]),
                    PromiseToPay.promised_date >= day - timedelta(days=180),
                ),
            ),
        )
        found = list(self.session.scalars(query))
        links: dict[int, list[int]] = defaultdict(list)
        if found:
            rows = self.session.execute(
                select(PromiseInvoice.promise_id, PromiseInvoice.invoice_id).where(
                    one_of(self.session, PromiseInvoice.promise_id, [p.id for p in found])
                )
            )
            for promise_id, invoice_id in rows:
                links[promise_id].append(invoice_id)
        return [(p, links.get(p.id, [])) for p in found]

    def payments_since(self, since: date, day: date) -> list[tuple[int, date, date, int, int]]:
        """(customer, applied on, due date, allocated, invoice amount) of payments applied in the window."""
        query = (
            select(
                Invoice.customer_id,
                Allocation.applied_on,
                Invoice.due_date,
                Allocation.amount_minor,
                Invoice.amount_minor,
            )
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(
                Allocation.kind == SettlementKind.PAYMENT,
                Allocation.applied_on.between(since, day),
                Allocation.reversed_on.is_(None),
                Invoice.amount_minor > 0,
            )
        )
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

    def open_times(self, since: datetime) -> list[tuple[int, datetime]]:
        """(customer, when) of every recorded email open since ``since`` (none unless opens are tracked)."""
        query = (
            select(Reminder.customer_id, ReminderEvent.at)
            .join(Reminder, Reminder.id == ReminderEvent.reminder_id)
            .where(ReminderEvent.kind == ReminderEventKind.OPENED, ReminderEvent.at >= since)
        )
        return [(customer_id, at) for customer_id, at in self.session.execute(query)]

    def inbound_touch_times(self, since: datetime) -> list[tuple[int, datetime]]:
        query = select(Touch.customer_id, Touch.occurred_at).where(
            Touch.direction == "inbound", Touch.occurred_at >= since
        )
        return [(c, t) for c, t in self.session.execute(query)]

    def disputes_opened(self, customer_id: int, since: date) -> tuple[int, int]:
        """(disputes opened on or after ``since``, of them still open) for one customer."""
        query = select(Dispute.status).where(Dispute.customer_id == customer_id, Dispute.opened_on >= since)
        statuses = list(self.session.scalars(query))
        return len(statuses), sum(1 for s in statuses if s == DisputeStatus.OPEN)

    def written_replies(self, customer_id: int, limit: int) -> list[str]:
        """The newest ``limit`` things the customer wrote to us (inbound emails, texts and letters
        with their words kept), oldest first."""
        query = (
            select(Touch.note)
            .where(
                Touch.customer_id == customer_id,
                Touch.direction == TouchDirection.INBOUND,
                Touch.channel.in_([TouchChannel.EMAIL, TouchChannel.SMS, TouchChannel.LETTER]),
                Touch.note.is_not(None),
            )
            .order_by(Touch.occurred_at.desc(), Touch.id.desc())
            .limit(limit)
        )
        return [note for note in reversed(list(self.session.scalars(query))) if note and note.strip()]


def _before(moment: datetime, limit: datetime) -> bool:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware < limit
