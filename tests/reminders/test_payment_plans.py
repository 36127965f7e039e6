"""An offered instalment plan, accepted: one promise per instalment, the ladder paused on its items
while it is kept and back on them the day an instalment is not (both databases)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.collections import payment_plans
from dunwell.collections.service import refresh_promises
from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.collections import PaymentPlanStatus, PromiseStatus
from dunwell.core.documents import SettlementKind
from dunwell.core.errors import DunwellError
from dunwell.core.reminders import ReminderStatus
from dunwell.dunning.payment_plans import Instalment
from dunwell.orm import AuditEntry, Customer, Invoice, PaymentPlan, PromiseToPay
from dunwell.orm.payment import Allocation
from dunwell.orm.reminders import Reminder, ReminderSkip
from dunwell.reminders import plan_offers, service
from dunwell.worklist.exclusions import _promises
from dunwell.worklist.repository import WorklistRepository
from factories import make_invoice
from reminders.dunning_book import build_dunning_book

DAY = date(2026, 3, 10)
OPERATOR = Principal.operator("test")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The shipped ladder, with a plan offered at the urgent step to a customer with one broken
    promise (one squeeze sign is enough here)."""
    text = Path("src/dunwell/dunning/policies/default.yaml").read_text(encoding="utf-8")
    text = text.replace("signs_needed: 2", "signs_needed: 1")
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    return Settings(dunning_policy_file=str(policy))


@pytest.fixture
def squeezed(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """(customer id, invoice id): 3,000.00 USD 30 days overdue on DAY, a promise broken last month."""
    with sessions.begin() as session:
        book = build_dunning_book(session, day=DAY, customers=1)
        customer_id = book.ids["PLAIN0"]
        invoice = make_invoice(session, customer=session.get_one(Customer, customer_id), amount="2900.00",
                               issue_date=DAY - timedelta(days=60), due_days=30)  # fmt: skip
        session.add(
            PromiseToPay(
                customer_id=customer_id, made_on=DAY - timedelta(days=45),
                promised_date=DAY - timedelta(days=25),
                currency="USD", amount_minor=100_000, status=PromiseStatus.BROKEN, recorded_by="test",
            )
        )  # fmt: skip
        return customer_id, invoice.id


def _first_invoice(session: Session, customer_id: int) -> int:
    return session.scalars(select(Invoice.id).where(Invoice.customer_id == customer_id)).first() or 0


def _offer(sessions: sessionmaker[Session], settings: Settings, customer_id: int) -> Reminder:
    with sessions.begin() as session:
        service.plan_day(session, OPERATOR, settings, as_of=DAY)
    with sessions() as session:
        found = session.scalars(
            select(Reminder).where(Reminder.customer_id == customer_id, Reminder.channel == "email")
        ).one()
        session.expunge(found)
        return found


def _sent(sessions: sessionmaker[Session], reminder_id: int) -> None:
    # Sending is the sender's (tested with real SMTP elsewhere); here only the outcome matters.
    with sessions.begin() as session:
        session.get_one(Reminder, reminder_id).status = ReminderStatus.SENT


def _pay(sessions: sessionmaker[Session], invoice_ids: list[int], minor: int, on: date) -> None:
    with sessions.begin() as session:
        invoice = session.get_one(Invoice, invoice_ids[0])
        session.add(Allocation(invoice_id=invoice.id, kind=SettlementKind.PAYMENT, currency="USD",
                               amount_minor=minor, applied_on=on, applied_by="test"))  # fmt: skip
        invoice.open_amount_minor -= minor


def _planned_for(
    sessions: sessionmaker[Session], settings: Settings, customer_id: int, day: date
) -> list[str]:
    with sessions.begin() as session:
        service.plan_day(session, OPERATOR, settings, as_of=day)
    with sessions() as session:
        rows = session.scalars(
            select(Reminder.step).where(Reminder.customer_id == customer_id, Reminder.planned_on == day)
        )
        return sorted(set(rows))


def test_an_accepted_offer_becomes_instalment_promises_that_pause_the_ladder_while_kept(
    sessions: sessionmaker[Session], settings: Settings, squeezed: tuple[int, int]
) -> None:
    customer_id, _ = squeezed
    offer = _offer(sessions, settings, customer_id)
    assert offer.step == "urgent"
    offered = plan_offers.offered_instalments(offer.document)
    assert len(offered) == 3
    assert sum(i.amount_minor for i in offered) == offer.total_minor == 300_000

    book = service.policy_book(settings)
    with sessions.begin() as session, pytest.raises(DunwellError) as not_sent:
        plan_offers.accept_offer(session, OPERATOR, book, offer.id, accepted_on=DAY)
    assert not_sent.value.code == "offer_not_sent"
    _sent(sessions, offer.id)

    with sessions.begin() as session:
        view = plan_offers.accept_offer(
            session, OPERATOR, book, offer.id, accepted_on=DAY + timedelta(days=2)
        )
        plan_id, items = view.plan.id, view.invoice_ids
    assert view.status is PaymentPlanStatus.ACTIVE
    assert [(i.due_date, i.amount_minor, i.status) for i in view.instalments] == [
        (part.due_date, part.amount_minor, PromiseStatus.OPEN) for part in offered
    ]
    with sessions() as session:
        promises = session.scalars(select(PromiseToPay).where(PromiseToPay.plan_id == plan_id)).all()
        assert sorted(p.plan_cumulative_minor or 0 for p in promises) == [100_000, 200_000, 300_000]
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "payment_plan.accepted")).one()
        assert audit.details["reminder_id"] == offer.id
        assert len(audit.details["instalments"]) == 3
    with sessions.begin() as session, pytest.raises(DunwellError) as twice:
        plan_offers.accept_offer(session, OPERATOR, book, offer.id, accepted_on=DAY + timedelta(days=2))
    assert twice.value.code == "already_in_plan"

    # The first instalment is paid on time: the final demand (due at 45 days) waits for the plan.
    _pay(sessions, items, 100_000, offered[0].due_date - timedelta(days=1))
    kept_day = offered[0].due_date + timedelta(days=10)
    assert _planned_for(sessions, settings, customer_id, kept_day) == []
    with sessions() as session:
        skips = session.scalars(
            select(ReminderSkip.code).where(
                ReminderSkip.customer_id == customer_id, ReminderSkip.planned_on == kept_day
            )
        ).all()
    assert "payment_plan" in skips

    # The second is not paid: the day after it is judged, the ladder takes the items up again.
    broken_day = offered[1].due_date + timedelta(days=4)
    assert _planned_for(sessions, settings, customer_id, broken_day) == ["final_demand"]
    with sessions() as session:
        (judged,) = payment_plans.plans(session, OPERATOR, customer_id, as_of=broken_day)
    assert judged.status is PaymentPlanStatus.BROKEN
    assert [(i.status, i.paid_minor) for i in judged.instalments] == [
        (PromiseStatus.KEPT, 100_000), (PromiseStatus.BROKEN, 0), (PromiseStatus.OPEN, 0),
    ]  # fmt: skip
    with sessions.begin() as session:
        counts = refresh_promises(session, OPERATOR, as_of=broken_day)
    assert counts.get("plan_broken") == 1
    with sessions() as session:
        assert session.get_one(PaymentPlan, plan_id).status is PaymentPlanStatus.BROKEN
        # The worklist, too, no longer waits on the plan's later instalment.
        open_, broken = _promises(WorklistRepository(session), broken_day, {customer_id})
    assert customer_id not in open_
    assert broken[customer_id].status == "broken"


def test_paying_ahead_keeps_later_instalments_and_a_payment_counts_once(
    sessions: sessionmaker[Session], squeezed: tuple[int, int]
) -> None:
    customer_id, invoice_id = squeezed
    with sessions() as session:
        first = _first_invoice(session, customer_id)
    plan = (Instalment(DAY + timedelta(days=7), 150_000), Instalment(DAY + timedelta(days=37), 150_000))
    data = payment_plans.PlanInput(plan, (first, invoice_id), accepted_on=DAY)
    with sessions.begin() as session:
        view = payment_plans.accept_plan(session, OPERATOR, customer_id, data, limits=None)
    assert view.plan.total_minor == 300_000  # 100.00 + 2,900.00 as open today
    _pay(sessions, [invoice_id], 290_000, DAY + timedelta(days=5))  # nearly all, early
    with sessions() as session:
        (seen,) = payment_plans.plans(session, OPERATOR, customer_id, as_of=DAY + timedelta(days=50))
    # 2,900.00 paid: the first instalment kept with 1,500.00 of it, the second gets the 1,400.00
    # left, short of 1,500.00, and is judged partly kept (one payment is not counted twice).
    assert [(i.status, i.paid_minor) for i in seen.instalments] == [
        (PromiseStatus.KEPT, 150_000), (PromiseStatus.PARTLY_KEPT, 140_000),
    ]  # fmt: skip
    assert seen.status is PaymentPlanStatus.BROKEN


def test_a_plan_that_does_not_add_up_or_breaks_the_limits_is_refused_with_every_reason(
    sessions: sessionmaker[Session], settings: Settings, squeezed: tuple[int, int]
) -> None:
    customer_id, invoice_id = squeezed
    limits = service.policy_book(settings).policies["standard"].payment_plan
    late = DAY + timedelta(days=400)
    data = payment_plans.PlanInput(
        (Instalment(DAY + timedelta(days=30), 100_000), Instalment(late, 100_000)),
        (invoice_id,),
        accepted_on=DAY,
    )
    with sessions.begin() as session, pytest.raises(DunwellError) as refused:
        payment_plans.accept_plan(session, OPERATOR, customer_id, data, limits=limits)
    assert refused.value.code == "bad_plan"
    assert "do not add up to 2900.00 USD" in refused.value.message
    assert "more than 180 days after" in refused.value.message
    with sessions() as session:
        assert session.scalars(select(PaymentPlan)).all() == []
