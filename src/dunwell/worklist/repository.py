"""All SQL of the worklist: the book as known at the end of a day (``known``), the collection records
that leave customers out, who works which portfolio and for how many minutes, and a day's progress.

Every read takes ``known`` and never returns what is dated after it: allocations applied (and not
reversed) by then, touches, promises and disputes dated by then, holds and consents in force then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from dunwell.core.collections import TouchTone
from dunwell.core.documents import DocumentKind, SettlementKind
from dunwell.core.reminders import ReminderStatus
from dunwell.kit.bulk import one_of
from dunwell.matching.records import MatchStatus
from dunwell.orm.cashapp import CashMatch, CashMatchRun
from dunwell.orm.collections import Dispute, DisputeInvoice, Hold, PromiseInvoice, PromiseToPay, Touch
from dunwell.orm.customer import Contact, ContactChannelConsent, Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment, PaymentOrigin
from dunwell.orm.prediction import InvoicePrediction
from dunwell.orm.reminders import Reminder
from dunwell.orm.user import User


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    login: str
    name: str
    minutes: int


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: int
    external_id: str
    name: str
    owner_id: int | None


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    id: int
    customer_id: int
    currency: str
    amount_minor: int
    issue_date: date
    due_date: date
    settled_minor: int  # allocations in effect at the end of ``known``
    written_off_minor: int
    last_settled: date | None


@dataclass(frozen=True, slots=True)
class TouchRow:
    customer_id: int
    day: date
    channel: str
    outcome: str
    direction: str
    firm: bool = False  # worded firmly (a touch of unknown tone counts as friendly)


@dataclass(frozen=True, slots=True)
class OpenDispute:
    customer_id: int
    currency: str
    amount_minor: int
    invoice_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PredictionRow:
    invoice_id: int
    p50_date: date
    risk_late: float
    reasons: tuple[str, ...]


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


class WorklistRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- people and portfolios ---------------------------------------------------------------------

    def people(self, ids: Collection[int] | None = None) -> dict[int, PersonRow]:
        query = select(User.id, User.login, User.name, User.worklist_minutes)
        if ids is not None:
            query = query.where(User.id.in_(sorted(ids) or [-1]))
        return {
            r.id: PersonRow(r.id, r.login, r.name, r.worklist_minutes) for r in self.session.execute(query)
        }

    def person_by_login(self, login: str) -> User | None:
        return self.session.scalars(select(User).where(User.login == login)).first()

    def set_minutes(self, user: User, minutes: int) -> None:
        user.worklist_minutes = minutes
        self.session.flush()

    def customers(self, owners: frozenset[int] | None) -> dict[int, CustomerRow]:
        query = select(Customer.id, Customer.external_id, Customer.name, Customer.owner_id)
        if owners is not None:
            query = query.where(Customer.owner_id.in_(sorted(owners) or [-1]))
        return {
            r.id: CustomerRow(r.id, r.external_id, r.name, r.owner_id) for r in self.session.execute(query)
        }

    # --- the book as known --------------------------------------------------------------------------

    def invoices(self, known: date, revised: Collection[int] = ()) -> list[InvoiceRow]:
        """Every invoice issued by ``known`` (or moved there by a revision after it) with what was
        settled on it by then."""
        in_effect = and_(
            Allocation.invoice_id == Invoice.id,
            Allocation.applied_on <= known,
            or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > known),
        )
        written_off = case((Allocation.kind == SettlementKind.WRITE_OFF, Allocation.amount_minor), else_=0)
        issued = Invoice.issue_date <= known
        if revised:
            issued = or_(issued, one_of(self.session, Invoice.id, revised))
        query = (
            select(
                Invoice.id,
                Invoice.customer_id,
                Invoice.currency,
                Invoice.amount_minor,
                Invoice.issue_date,
                Invoice.due_date,
                func.coalesce(func.sum(Allocation.amount_minor), 0),
                func.coalesce(func.sum(written_off), 0),
                func.max(Allocation.applied_on),
            )
            .outerjoin(Allocation, in_effect)
            .where(Invoice.kind == DocumentKind.INVOICE, issued)
            .group_by(Invoice.id)
        )
        return [InvoiceRow(*row) for row in self.session.execute(query)]

    def touches(self, known: date) -> list[TouchRow]:
        query = (
            select(
                Touch.customer_id,
                Touch.occurred_at,
                Touch.channel,
                Touch.outcome,
                Touch.direction,
                Touch.tone,
            )
            .where(Touch.occurred_at < start_of(known + timedelta(days=1)))
            .order_by(Touch.occurred_at, Touch.id)
        )
        return [
            TouchRow(
                c,
                at.astimezone(UTC).date() if at.tzinfo else at.date(),
                ch.value,
                out.value,
                d.value,
                tone is TouchTone.FIRM,
            )
            for c, at, ch, out, d, tone in self.session.execute(query)
        ]

    def open_disputes(self, known: date) -> list[OpenDispute]:
        query = select(Dispute.id, Dispute.customer_id, Dispute.currency, Dispute.amount_minor).where(
            Dispute.opened_on <= known, or_(Dispute.resolved_on.is_(None), Dispute.resolved_on > known)
        )
        found = list(self.session.execute(query))
        links: dict[int, list[int]] = defaultdict(list)
        if found:
            rows = self.session.execute(
                select(DisputeInvoice.dispute_id, DisputeInvoice.invoice_id)
                .where(one_of(self.session, DisputeInvoice.dispute_id, [f.id for f in found]))
                .order_by(DisputeInvoice.invoice_id)
            )
            for dispute_id, invoice_id in rows:
                links[dispute_id].append(invoice_id)
        return [OpenDispute(c, cur, amount, tuple(links.get(i, []))) for i, c, cur, amount in found]

    def flagged_without_dispute(self) -> set[int]:
        """Invoices an import flagged as disputed that no dispute record covers (the ERP's flag)."""
        covered = select(DisputeInvoice.invoice_id)
        query = select(Invoice.id).where(Invoice.disputed.is_(True), Invoice.id.not_in(covered))
        return set(self.session.scalars(query))

    def marker(self, known: date) -> tuple[int, int, int, str]:
        """Moves when touches or disputes dated by ``known`` change: neither moves the book's version."""
        touches = self.session.execute(
            select(func.count(Touch.id), func.max(Touch.id)).where(
                Touch.occurred_at < start_of(known + timedelta(days=1))
            )
        ).one()
        disputes = self.session.execute(
            select(func.count(Dispute.id), func.max(Dispute.updated_at)).where(Dispute.opened_on <= known)
        ).one()
        latest = disputes[1].isoformat() if disputes[1] else "-"
        return int(touches[0]), int(touches[1] or 0), int(disputes[0]), latest

    def promises_marker(self) -> tuple[int, str]:
        """Moves when a promise is recorded or its stored status refreshed (a broken one moves a segment)."""
        count, latest = self.session.execute(
            select(func.count(PromiseToPay.id), func.max(PromiseToPay.updated_at))
        ).one()
        return int(count), latest.isoformat() if latest else "-"

    # --- what leaves a customer out -------------------------------------------------------------------

    def active_holds(self, day: date, known: date) -> dict[int, tuple[str, date]]:
        """Per customer, a hold in force on ``day`` that was known by the end of ``known``: it started
        before ``day`` or was recorded before it (a hold added during the day does not move its plan)."""
        query = select(Hold.customer_id, Hold.reason, Hold.ends_on).where(
            Hold.starts_on <= day,
            Hold.ends_on >= day,
            or_(Hold.starts_on <= known, Hold.created_at < start_of(day)),
            or_(Hold.released_at.is_(None), Hold.released_at >= start_of(day)),
        )
        return {c: (reason.value, ends) for c, reason, ends in self.session.execute(query)}

    def promises(self, known: date, since: date) -> list[tuple[PromiseToPay, list[int]]]:
        """Promises made by ``known`` whose judging day is on or after ``since``, with their invoices."""
        query = (
            select(PromiseToPay)
            .where(PromiseToPay.made_on <= known, PromiseToPay.promised_date >= since)
            .order_by(PromiseToPay.promised_date, PromiseToPay.id)
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

    def reachable_channels(self, day: date) -> dict[int, set[str]]:
        """Per customer, the channels some contact could be reached on by ``day``: an address for it
        (an e-mail address for e-mail, a phone number for a call, the customer's postal address for
        a letter, naming any contact) and
        no opt-out in force. A collection reminder to a business contact rests on the creditor's
        legitimate interest (RULES.md GDPR-6) and needs no consent; a private person (a sole
        trader, a consumer) is reached only on channels they consented to, fail-closed (a consent
        without a time is taken as given before any day)."""
        begins = start_of(day)
        consented: dict[int, set[str]] = defaultdict(set)
        opted_out: dict[int, set[str]] = defaultdict(set)
        query = select(
            ContactChannelConsent.contact_id,
            ContactChannelConsent.channel,
            ContactChannelConsent.consented,
            ContactChannelConsent.consented_at,
            ContactChannelConsent.opted_out_at,
        )
        for contact_id, channel, given, given_at, withdrawn_at in self.session.execute(query):
            if given and (given_at is None or _before(given_at, begins)):
                consented[contact_id].add(channel.value)
            if withdrawn_at is not None and _before(withdrawn_at, begins):
                opted_out[contact_id].add(channel.value)
        found: dict[int, set[str]] = defaultdict(set)
        contacts = select(
            Contact.id,
            Contact.customer_id,
            Contact.is_natural_person,
            Contact.email,
            Contact.phone,
            Customer.postal_address,
        ).join(Customer, Customer.id == Contact.customer_id)
        for contact_id, customer_id, private, email, phone, postal in self.session.execute(contacts):
            channels = {
                name for name, usable in (("letter", postal), ("email", email), ("call", phone)) if usable
            }
            if private:
                channels &= consented[contact_id]
            found[customer_id] |= channels - opted_out[contact_id]
        return found

    def customers_with_recent_cash(self, *, since: date, known: date) -> set[int]:
        """Customers with cash received on ``since``..``known`` still unapplied at the end of ``known``:
        identified to them, or waiting for review with them among its candidates."""
        applied = (
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .where(
                Allocation.payment_id == Payment.id,
                Allocation.applied_on <= known,
                or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > known),
            )
            .scalar_subquery()
        )
        unapplied = (Payment.amount_minor - applied) > 0
        window = and_(
            Payment.origin == PaymentOrigin.BANK_STATEMENT,
            Payment.value_date.between(since, known),
            unapplied,
        )
        found = {c for c in self.session.scalars(select(Payment.customer_id).where(window)) if c is not None}
        candidates = (
            select(CashMatch.candidates)
            .join(Payment, Payment.id == CashMatch.payment_id)
            .join(CashMatchRun, CashMatchRun.id == CashMatch.run_id)
            .where(
                window,
                CashMatchRun.as_of <= known,
                CashMatch.status.in_([MatchStatus.SUGGESTED, MatchStatus.UNMATCHED]),
            )
        )
        for listed in self.session.scalars(candidates):
            found.update(c["customer_id"] for c in listed or [] if c.get("customer_id") is not None)
        return found

    def predictions(self, invoice_ids: Iterable[int], known: date) -> dict[int, PredictionRow]:
        """Each invoice's latest stored prediction made by ``known``."""
        ids = list(invoice_ids)
        if not ids:
            return {}
        latest = (
            select(InvoicePrediction.invoice_id, func.max(InvoicePrediction.as_of).label("as_of"))
            .where(one_of(self.session, InvoicePrediction.invoice_id, ids), InvoicePrediction.as_of <= known)
            .group_by(InvoicePrediction.invoice_id)
            .subquery()
        )
        query = (
            select(
                InvoicePrediction.invoice_id,
                InvoicePrediction.p50_date,
                InvoicePrediction.risk_late,
                InvoicePrediction.reasons,
            )
            .join(
                latest,
                and_(
                    latest.c.invoice_id == InvoicePrediction.invoice_id,
                    latest.c.as_of == InvoicePrediction.as_of,
                ),
            )
            .order_by(InvoicePrediction.id)
        )
        return {
            i: PredictionRow(i, p50, float(risk), tuple(reasons or ()))
            for i, p50, risk, reasons in self.session.execute(query)
        }

    # --- a day's progress -----------------------------------------------------------------------------

    def activity_on(self, day: date, customers: Collection[int]) -> dict[str, Any]:
        """What was recorded on ``day`` for ``customers``: touches (customer, channel), promises,
        holds and disputes (customer ids)."""
        wanted = list(customers)
        if not wanted:
            return {"touches": [], "promises": [], "holds": set(), "disputes": set()}
        begins, ends = start_of(day), start_of(day + timedelta(days=1))
        touches = self.session.execute(
            select(Touch.customer_id, Touch.channel).where(
                one_of(self.session, Touch.customer_id, wanted),
                Touch.occurred_at >= begins,
                Touch.occurred_at < ends,
            )
        )
        promises = self.session.execute(
            select(PromiseToPay.customer_id, PromiseToPay.currency, PromiseToPay.amount_minor).where(
                one_of(self.session, PromiseToPay.customer_id, wanted), PromiseToPay.made_on == day
            )
        )
        holds = self.session.scalars(
            select(Hold.customer_id).where(
                one_of(self.session, Hold.customer_id, wanted),
                Hold.created_at >= begins,
                Hold.created_at < ends,
            )
        )
        disputes = self.session.scalars(
            select(Dispute.customer_id).where(
                one_of(self.session, Dispute.customer_id, wanted), Dispute.opened_on == day
            )
        )
        return {
            "touches": [(c, ch.value) for c, ch in touches],
            "promises": [tuple(p) for p in promises],
            "holds": set(holds),
            "disputes": set(disputes),
        }


@dataclass(frozen=True, slots=True)
class CallTask:
    """A call a dunning step asked for today (issue 18): the outbox row is the task."""

    reminder_id: int
    customer_id: int
    customer_name: str
    owner_id: int | None
    step: str
    tone: str
    currency: str
    total_minor: int
    status: str


def call_tasks(session: Session, day: date, owners: frozenset[int] | None) -> list[CallTask]:
    """Today's dunning call tasks for the customers of ``owners`` (None: every customer): planned
    for ``day`` on the call channel and released (not waiting for approval, not rejected)."""
    query = (
        select(
            Reminder.id,
            Reminder.customer_id,
            Customer.name,
            Customer.owner_id,
            Reminder.step,
            Reminder.tone,
            Reminder.currency,
            Reminder.total_minor,
            Reminder.status,
        )
        .join(Customer, Customer.id == Reminder.customer_id)
        .where(
            Reminder.planned_on == day,
            Reminder.channel == "call",
            Reminder.status.in_([ReminderStatus.QUEUED, ReminderStatus.SENT]),
        )
        .order_by(Reminder.total_minor.desc(), Reminder.id)
    )
    if owners is not None:
        query = query.where(Customer.owner_id.in_(owners))
    return [CallTask(*row[:8], status=row[8].value) for row in session.execute(query)]


def _before(moment: datetime, begins: datetime) -> bool:
    """``moment < begins``, with a naive time (SQLite keeps no zone) read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment < begins
