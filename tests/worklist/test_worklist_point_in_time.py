"""Point in time: the plan for a day reads only what was recorded by the end of the day before, so
adding the next days' cash, touches, promises, holds, disputes and unapplied cash leaves yesterday's
worklist as it was; the day's own touches only mark rows done."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.collections import (
    DisputeCategory,
    DisputeStatus,
    HoldReason,
    PromiseStatus,
    TouchChannel,
    TouchDirection,
    TouchOutcome,
)
from dunwell.kit import book_version
from dunwell.orm import Invoice
from dunwell.orm.collections import Dispute, Hold, PromiseToPay, Touch
from dunwell.worklist.service import worklist
from dunwell.worklist.values import Worklist
from factories import make_payment
from worklist.worklist_book import DAY, OPERATOR, at, build_book, pay, policy


def _plan(sessions: sessionmaker[Session], day: date = DAY) -> Worklist:
    with sessions() as session:
        return worklist(session, OPERATOR, as_of=day, policy=policy())


def _without_progress(found: Worklist) -> Worklist:
    queues = tuple(
        replace(
            q, rows=tuple(replace(r, done=False) for r in q.rows), done=0, minutes_used=0, touches_today=0
        )
        for q in found.queues
    )
    return replace(found, queues=queues)


def test_later_events_leave_yesterdays_worklist_unchanged(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        book = build_book(session)
    before = _plan(sessions)
    later = DAY + timedelta(days=1)
    with sessions.begin() as session:
        ids = book.ids
        big = session.get(Invoice, book.invoices["BIG"])
        assert big is not None
        pay(session, big, later)  # BIG pays everything the next day
        session.add_all(
            [
                Touch(
                    customer_id=ids["SMALL"],
                    channel=TouchChannel.CALL,
                    direction=TouchDirection.OUTBOUND,
                    outcome=TouchOutcome.CONVERSATION,
                    occurred_at=at(later),
                ),
                Touch(
                    customer_id=ids["BIG"],
                    channel=TouchChannel.CALL,
                    direction=TouchDirection.OUTBOUND,
                    outcome=TouchOutcome.CONVERSATION,
                    occurred_at=at(DAY),
                ),  # the day's own work
                PromiseToPay(
                    customer_id=ids["MIDDLE"],
                    made_on=later,
                    promised_date=later + timedelta(days=9),
                    currency="USD",
                    amount_minor=100_000,
                    status=PromiseStatus.OPEN,
                    recorded_by="t",
                ),
                Hold(
                    customer_id=ids["EURO"],
                    reason=HoldReason.MANUAL,
                    starts_on=DAY,
                    ends_on=later,
                    created_by="t",
                ),  # recorded now, after the day began: not known to its plan
                Dispute(
                    customer_id=ids["BROKEN"],
                    category=DisputeCategory.OTHER,
                    status=DisputeStatus.OPEN,
                    currency="USD",
                    amount_minor=15_000,
                    opened_on=later,
                ),
            ]
        )
        make_payment(session, customer=_customer(session, ids["MIDDLE"]), amount="10.00", value_date=DAY)
        book_version.bump(session)  # as the audit log does with every change to the book
    after = _plan(sessions)
    assert _without_progress(after) == _without_progress(before)
    assert [r.external_id for r in queue(after).rows if r.done] == ["BIG"]
    assert not any(r.done for r in queue(before).rows)
    # The same events do move the plans of the days that know them.
    two_days_on = [r.external_id for r in queue(_plan(sessions, DAY + timedelta(days=2))).rows]
    assert "BIG" not in two_days_on
    assert "MIDDLE" not in two_days_on
    assert "SMALL" not in two_days_on


def queue(found: Worklist):  # type: ignore[no-untyped-def]
    return next(q for q in found.queues if q.login == "cleo")


def _customer(session: Session, customer_id: int):  # type: ignore[no-untyped-def]
    from dunwell.orm import Customer

    return session.scalars(select(Customer).where(Customer.id == customer_id)).one()
