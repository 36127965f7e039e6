"""All SQL of the outbox: reminders by state and key, their items and events, the day's skips, and
the contact facts a sender needs (the address, whether it bounced)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.kit.bulk import one_of
from dunwell.orm.collections import Touch
from dunwell.orm.customer import Contact, Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation
from dunwell.orm.reminders import Reminder, ReminderEvent, ReminderItem, ReminderSkip

T = TypeVar("T")
#: Cash that answers a reminder: payments, credits and deductions taken (not write-offs).
CASH_KINDS = (SettlementKind.PAYMENT, SettlementKind.CREDIT, SettlementKind.DEDUCTION)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- reading -------------------------------------------------------------------------------
    def reminder(self, reminder_id: int, *, lock: bool = False) -> Reminder | None:
        query = select(Reminder).where(Reminder.id == reminder_id)
        if lock and self.session.bind is not None and self.session.bind.dialect.name == "postgresql":
            # Two senders never hold the same row: the second skips it (SQLite serialises writers).
            query = query.with_for_update(skip_locked=True)
        return self.session.scalars(query).first()

    def existing_keys(self, keys: Collection[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(keys), 500):
            found.update(self.session.scalars(select(Reminder.key).where(Reminder.key.in_(chunk))))
        return found

    def due_ids(self, now: datetime, *, limit: int | None = None) -> list[int]:
        query = (
            select(Reminder.id)
            .where(Reminder.status == ReminderStatus.QUEUED, Reminder.send_after <= now)
            .order_by(Reminder.send_after, Reminder.id)
        )
        if limit:
            query = query.limit(limit)
        return list(self.session.scalars(query))

    def stale_sending(self, before: datetime) -> list[Reminder]:
        query = select(Reminder).where(
            Reminder.status == ReminderStatus.SENDING, Reminder.updated_at <= before
        )
        return list(self.session.scalars(query))

    def by_status(
        self, statuses: Iterable[ReminderStatus], *, customers: frozenset[int] | None = None, limit: int = 500
    ) -> list[Reminder]:
        query = select(Reminder).where(Reminder.status.in_(list(statuses)))
        if customers is not None:
            query = query.where(Reminder.customer_id.in_(customers))
        return list(
            self.session.scalars(query.order_by(Reminder.planned_on.desc(), Reminder.id).limit(limit))
        )

    def planned_on(self, day: date, *, customers: frozenset[int] | None = None) -> list[Reminder]:
        query = select(Reminder).where(Reminder.planned_on == day)
        if customers is not None:
            query = query.where(Reminder.customer_id.in_(customers))
        return list(self.session.scalars(query.order_by(Reminder.id)))

    def for_customer(self, customer_id: int, *, limit: int = 200) -> list[Reminder]:
        query = (
            select(Reminder)
            .where(Reminder.customer_id == customer_id)
            .order_by(Reminder.planned_on.desc(), Reminder.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def history(
        self, customers: Collection[int] | None = None
    ) -> list[tuple[Reminder, list[tuple[int, int]]]]:
        """Every reminder that counts as planned or sent (not rejected, cancelled or blocked), with
        its (invoice, step) pairs: what the planner reads to know which step each item has had."""
        counted = [
            s
            for s in ReminderStatus
            if s not in {ReminderStatus.REJECTED, ReminderStatus.CANCELLED, ReminderStatus.BLOCKED}
        ]
        query = select(Reminder).where(Reminder.status.in_(counted))
        if customers is not None:
            query = query.where(one_of(self.session, Reminder.customer_id, list(customers)))
        rows = list(self.session.scalars(query))
        items = self.items([r.id for r in rows])
        return [(r, items.get(r.id, [])) for r in rows]

    def items(self, reminder_ids: Collection[int]) -> dict[int, list[tuple[int, int]]]:
        """Per reminder, the (invoice, step index) it listed."""
        return self._item_pairs(reminder_ids, ReminderItem.step_index)

    def _item_pairs(self, reminder_ids: Collection[int], column: Any) -> dict[int, list[tuple[int, int]]]:
        found: dict[int, list[tuple[int, int]]] = {}
        for chunk in _chunks(list(reminder_ids), 500):
            query = select(ReminderItem.reminder_id, ReminderItem.invoice_id, column).where(
                ReminderItem.reminder_id.in_(chunk)
            )
            for reminder_id, invoice_id, value in self.session.execute(query):
                found.setdefault(reminder_id, []).append((invoice_id, value))
        return found

    def sent_between(
        self, since: datetime, until: datetime, *, customers: frozenset[int] | None = None
    ) -> list[Reminder]:
        """Reminders sent in ``[since, until)`` (of these customers; none: any)."""
        query = select(Reminder).where(
            Reminder.status == ReminderStatus.SENT, Reminder.sent_at >= since, Reminder.sent_at < until
        )
        found = list(self.session.scalars(query.order_by(Reminder.sent_at, Reminder.id)))
        return found if customers is None else [r for r in found if r.customer_id in customers]

    def listed_items(self, reminder_ids: Collection[int]) -> dict[int, list[tuple[int, int]]]:
        """Per reminder, the (invoice, open amount then) it listed."""
        return self._item_pairs(reminder_ids, ReminderItem.open_minor)

    def cash_by_invoice_and_day(
        self, invoice_ids: Collection[int], first: date, last: date
    ) -> dict[int, list[tuple[date, int]]]:
        """Per invoice, the cash applied on ``first``..``last`` (day, amount), reversals left out."""
        found: dict[int, list[tuple[date, int]]] = {}
        for chunk in _chunks(sorted(invoice_ids), 500):
            query = select(Allocation.invoice_id, Allocation.applied_on, Allocation.amount_minor).where(
                Allocation.invoice_id.in_(chunk),
                Allocation.kind.in_(CASH_KINDS),
                Allocation.applied_on >= first,
                Allocation.applied_on <= last,
                Allocation.reversed_on.is_(None),
            )
            for invoice_id, day, amount in self.session.execute(query):
                found.setdefault(invoice_id, []).append((day, amount))
        return found

    def open_invoice_ids(self, invoice_ids: Collection[int]) -> list[int]:
        """Which of the invoices are still open (something left to pay, not cleared)."""
        if not invoice_ids:
            return []
        query = select(Invoice.id).where(
            Invoice.id.in_(list(invoice_ids)),
            Invoice.open_amount_minor > 0,
            Invoice.status != DocumentStatus.CLEARED,
        )
        return sorted(self.session.scalars(query))

    def events(self, reminder_id: int) -> list[ReminderEvent]:
        query = (
            select(ReminderEvent).where(ReminderEvent.reminder_id == reminder_id).order_by(ReminderEvent.id)
        )
        return list(self.session.scalars(query))

    def skips(self, day: date, *, customers: frozenset[int] | None = None) -> list[ReminderSkip]:
        query = select(ReminderSkip).where(ReminderSkip.planned_on == day)
        if customers is not None:
            query = query.where(ReminderSkip.customer_id.in_(customers))
        return list(self.session.scalars(query.order_by(ReminderSkip.customer_id, ReminderSkip.id)))

    def skips_for_customer(self, customer_id: int, *, limit: int = 100) -> list[ReminderSkip]:
        query = (
            select(ReminderSkip)
            .where(ReminderSkip.customer_id == customer_id)
            .order_by(ReminderSkip.planned_on.desc(), ReminderSkip.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def counts(self, statuses: Iterable[ReminderStatus]) -> dict[str, int]:
        query = (
            select(Reminder.status, func.count())
            .where(Reminder.status.in_(list(statuses)))
            .group_by(Reminder.status)
        )
        return {status.value: count for status, count in self.session.execute(query)}

    def contact(self, contact_id: int | None) -> Contact | None:
        return self.session.get(Contact, contact_id) if contact_id else None

    def customer(self, customer_id: int) -> Customer | None:
        return self.session.get(Customer, customer_id)

    def touches(self, customer_id: int, since: datetime) -> list[Touch]:
        query = select(Touch).where(Touch.customer_id == customer_id, Touch.occurred_at >= since)
        return list(self.session.scalars(query.order_by(Touch.occurred_at)))

    def sent_since(self, customer_id: int, since: datetime) -> list[Reminder]:
        query = select(Reminder).where(
            Reminder.customer_id == customer_id,
            Reminder.status == ReminderStatus.SENT,
            Reminder.sent_at >= since,
        )
        return list(self.session.scalars(query.order_by(Reminder.sent_at)))

    # --- writing -------------------------------------------------------------------------------
    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def add_items(self, reminder_id: int, items: Iterable[tuple[int, int, int]]) -> None:
        self.session.add_all(
            ReminderItem(reminder_id=reminder_id, invoice_id=i, step_index=s, open_minor=m)
            for i, s, m in items
        )

    def last_event_at(self, reminder_id: int, kind: ReminderEventKind) -> datetime | None:
        query = select(func.max(ReminderEvent.at)).where(
            ReminderEvent.reminder_id == reminder_id, ReminderEvent.kind == kind
        )
        return self.session.scalar(query)

    def add_event(
        self,
        reminder_id: int,
        kind: ReminderEventKind,
        actor: str,
        *,
        rule: str | None = None,
        detail: str | None = None,
        at: datetime | None = None,
    ) -> None:
        event = ReminderEvent(reminder_id=reminder_id, kind=kind, actor=actor, rule=rule, detail=detail)
        if at is not None:
            event.at = at
        self.session.add(event)

    def replace_skips(
        self, day: date, skips: Iterable[ReminderSkip], customers: Collection[int] | None
    ) -> None:
        """A day's skips are what its latest plan said: replanning replaces them (for the customers
        the plan covered), so the list never shows a reason that no longer holds."""
        query = delete(ReminderSkip).where(ReminderSkip.planned_on == day)
        if customers is not None:
            for chunk in _chunks(list(customers), 500):
                self.session.execute(query.where(ReminderSkip.customer_id.in_(chunk)))
        else:
            self.session.execute(query)
        self.session.add_all(skips)

    def mark_undeliverable(self, contact_id: int, at: datetime, error: str) -> None:
        self.session.execute(
            update(Contact)
            .where(Contact.id == contact_id)
            .values(email_undeliverable_at=at, delivery_error=error[:2000])
        )


def _chunks(values: list[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
