"""The send-time experiment read from the outbox and the cash applied (both databases): each sent
reminder's arm as planned, cash to its listed items in the days after sending, and only reminders
whose outcome is complete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.documents import SettlementKind
from dunwell.core.reminders import ReminderStatus
from dunwell.orm.payment import Allocation
from dunwell.orm.reminders import Reminder, ReminderItem
from dunwell.reminders import service
from dunwell.reminders.send_time_report import send_time_result
from reminders.dunning_book import DunningBook, build_dunning_book

DAY = date(2026, 3, 10)
OPERATOR = Principal.operator("test")


@pytest.fixture
def book(sessions: sessionmaker[Session]) -> DunningBook:
    with sessions.begin() as session:
        built = build_dunning_book(session, day=DAY)
        service.plan_day(session, OPERATOR, Settings(), as_of=DAY)
        return built


def test_each_sent_reminder_counts_on_its_arm_with_the_cash_of_the_days_after(
    sessions: sessionmaker[Session], book: DunningBook
) -> None:
    arms = {
        "PLAIN0": "chosen",
        "PLAIN1": "chosen",
        "PLAIN2": "holdout",
        "PLAIN3": "holdout",
        "BERLIN": "chosen",
    }
    with sessions.begin() as session:
        planned = {
            r.customer_id: r for r in session.scalars(select(Reminder).where(Reminder.channel == "email"))
        }
        assert all(r.document["send_time"]["arm"] == "too_few_events" for r in planned.values())  # no history
        for name, arm in arms.items():
            reminder = planned[book.ids[name]]
            reminder.status = ReminderStatus.SENT
            late = name == "BERLIN"  # sent too recently for a complete 7-day outcome
            reminder.sent_at = datetime(2026, 3, 19 if late else 10, 15, tzinfo=UTC)
            reminder.document = {**reminder.document, "send_time": {"arm": arm, "local_hour": 9}}
        items = {
            r.reminder_id: r.invoice_id
            for r in session.scalars(
                select(ReminderItem).where(ReminderItem.reminder_id.in_([r.id for r in planned.values()]))
            )
        }
        for name, paid_on in (
            ("PLAIN0", DAY + timedelta(days=3)),
            ("PLAIN2", DAY + timedelta(days=9)),
            ("PLAIN3", DAY),
        ):
            invoice_id = items[planned[book.ids[name]].id]
            session.add(Allocation(invoice_id=invoice_id, kind=SettlementKind.PAYMENT, currency="USD",
                                   amount_minor=5_000, applied_on=paid_on, applied_by="test"))  # fmt: skip
    with sessions() as session:
        gain, window = send_time_result(session, OPERATOR, since=DAY, as_of=DAY + timedelta(days=10), days=7)
    assert window == {"sent_from": "2026-03-10", "sent_before": "2026-03-14"}
    # PLAIN0 paid on day 3 (counts); PLAIN2 on day 9 and PLAIN3 on the day of sending (both outside).
    assert (gain.chosen.reminders, gain.chosen.paid) == (2, 1)
    assert (gain.holdout.reminders, gain.holdout.paid) == (2, 0)
    assert gain.chosen.cash_share is not None
    assert gain.chosen.cash_share > 0
    assert not gain.enough  # 2 on each side: said, not claimed
