"""A small constructed book for the worklist: cleo's customers each show one reason to be on the list
or left out of it; otto owns one. The day planned is ``DAY`` (known: the day before); ``relative_to``
moves every date so the page tests can plan "today"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.access import users
from dunwell.core.access import Principal
from dunwell.core.collections import (
    Channel,
    DisputeCategory,
    DisputeStatus,
    HoldReason,
    PromiseStatus,
    TouchChannel,
    TouchDirection,
    TouchOutcome,
    UserRole,
)
from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.orm import Customer, Invoice, User
from dunwell.orm.collections import Dispute, DisputeInvoice, Hold, PromiseToPay, Touch
from dunwell.orm.customer import Contact, ContactChannelConsent
from dunwell.orm.payment import Allocation
from dunwell.worklist.policy import WorklistPolicy, default_policy
from factories import make_customer, make_entity, make_invoice, make_payment

DAY = date(2024, 6, 3)  # a Monday
OPERATOR = Principal.operator("test")
PASSWORD = "correct horse battery"


def policy(holdout_share: float = 0.0) -> WorklistPolicy:
    from dataclasses import replace

    return replace(default_policy(), holdout_share=holdout_share)


@dataclass(frozen=True)
class Book:
    day: date
    ids: dict[str, int]  # by external id
    invoices: dict[str, int]  # each customer's first overdue invoice

    def name_of(self, customer_id: int) -> str:
        return next(k for k, v in self.ids.items() if v == customer_id)


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def person(session: Session, login: str, role: UserRole = UserRole.COLLECTOR) -> int:
    found = session.scalars(select(User.id).where(User.login == login)).first()
    if found is None:
        users.add_user(session, OPERATOR, login=login, name=login.title(), role=role, password=PASSWORD)
        found = session.scalars(select(User.id).where(User.login == login)).one()
    return found


def collector(session: Session, login: str) -> Principal:
    user_id = person(session, login)
    return Principal(actor=login, role=UserRole.COLLECTOR, user_id=user_id, portfolio=frozenset({user_id}))


def pay(session: Session, invoice: Invoice, day: date, minor: int | None = None) -> None:
    """Cash applied on ``day`` (an implied payment, as an import with a paid date records it)."""
    amount = invoice.amount_minor if minor is None else minor
    session.add(
        Allocation(
            invoice_id=invoice.id,
            kind=SettlementKind.PAYMENT,
            currency=invoice.currency,
            amount_minor=amount,
            applied_on=day,
            applied_by="test",
        )
    )
    invoice.open_amount_minor -= amount
    if invoice.open_amount_minor <= 0:
        invoice.status, invoice.cleared_on = DocumentStatus.CLEARED, day
    session.flush()


def reachable(session: Session, customer: Customer, channels: tuple[Channel, ...], since: date) -> None:
    """A business contact reachable on exactly ``channels``: an address for each, consent recorded,
    and an opt-out of the channels not named (a letter reaches any contact otherwise)."""
    contact = Contact(
        customer_id=customer.id,
        name=f"AP {customer.external_id}",
        email="ap@example.com" if Channel.EMAIL in channels else None,
        phone="+1 555 0100" if Channel.CALL in channels else None,
    )
    session.add(contact)
    session.flush()
    for channel in (Channel.EMAIL, Channel.LETTER, Channel.CALL):
        named = channel in channels
        session.add(
            ContactChannelConsent(
                contact_id=contact.id,
                channel=channel,
                consented=named,
                consented_at=at(since) if named else None,
                opted_out_at=None if named else at(since),
            )
        )
    session.flush()


def build_book(session: Session, *, relative_to: date = DAY) -> Book:
    shift = relative_to - DAY
    d = lambda day: day + shift  # noqa: E731 - every date of the story, moved together
    cleo, otto = person(session, "cleo"), person(session, "otto")
    entity = make_entity(session, code="W1")
    ids: dict[str, int] = {}
    first: dict[str, int] = {}

    def customer(
        name: str,
        amount: str,
        *,
        owner: int = cleo,
        due: date = date(2024, 4, 1),
        currency: str = "USD",
        channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.CALL),
    ) -> Customer:
        made = make_customer(session, entity=entity, external_id=name)
        made.name = f"{name.title()} Ltd"
        made.owner_id = owner
        # History: six invoices paid ten days late, so the segments and records have something to read.
        for month in range(1, 7):
            old = make_invoice(session, customer=made, amount="100.00", issue_date=d(date(2023, month, 1)))
            pay(session, old, old.due_date + timedelta(days=10))
        invoice = make_invoice(
            session, customer=made, amount=amount, currency=currency, issue_date=d(due) - timedelta(days=30)
        )
        if channels:
            reachable(session, made, channels, d(date(2024, 1, 1)))
        ids[name], first[name] = made.id, invoice.id
        return made

    customer("BIG", "5000.00")
    customer("SMALL", "200.00")
    customer("MIDDLE", "1000.00")
    hold = customer("HOLD", "900.00")
    session.add(
        Hold(
            customer_id=hold.id,
            reason=HoldReason.MANUAL,
            starts_on=d(date(2024, 5, 20)),
            ends_on=d(date(2024, 6, 30)),
            created_by="test",
        )
    )
    promised = customer("PROMISED", "800.00")
    session.add(
        PromiseToPay(
            customer_id=promised.id,
            made_on=d(date(2024, 5, 30)),
            promised_date=d(date(2024, 6, 10)),
            currency="USD",
            amount_minor=80000,
            status=PromiseStatus.OPEN,
            recorded_by="test",
        )
    )
    disputed = customer("DISPUTED", "700.00")
    dispute = Dispute(
        customer_id=disputed.id,
        category=DisputeCategory.PRICING,
        status=DisputeStatus.OPEN,
        currency="USD",
        amount_minor=70000,
        opened_on=d(date(2024, 5, 1)),
    )
    session.add(dispute)
    session.flush()
    session.add(DisputeInvoice(dispute_id=dispute.id, invoice_id=first["DISPUTED"]))
    cash = customer("CASH", "600.00")
    make_payment(session, customer=cash, amount="600.00", value_date=d(date(2024, 5, 31)))
    quiet = customer("QUIET", "650.00")
    session.add(
        Touch(
            customer_id=quiet.id,
            channel=TouchChannel.EMAIL,
            direction=TouchDirection.OUTBOUND,
            outcome=TouchOutcome.SENT,
            occurred_at=at(d(date(2024, 5, 30))),
        )
    )
    customer("NOCONTACT", "640.00", channels=())
    customer("EURO", "3000.00", currency="EUR")
    broken = customer("BROKEN", "150.00")
    session.add(
        PromiseToPay(
            customer_id=broken.id,
            made_on=d(date(2024, 5, 1)),
            promised_date=d(date(2024, 5, 10)),
            currency="USD",
            amount_minor=15000,
            status=PromiseStatus.OPEN,
            recorded_by="test",
        )
    )
    customer("OTTOS", "2500.00", owner=otto)
    customer("CURRENT", "400.00", due=date(2024, 6, 20))  # nothing overdue: not on any list
    session.flush()
    return Book(relative_to, ids, first)
