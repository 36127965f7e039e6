"""Touches, promises, holds and disputes through the services (both databases): validation with
clear errors, a promise's status as of any day, holds that end by themselves, portfolio scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dunwell.collections import disputes, service
from dunwell.collections.service import GRACE_DAYS, HoldInput, PromiseInput, TouchInput
from dunwell.core.access import Principal
from dunwell.core.collections import PromiseStatus, UserRole
from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.core.errors import DunwellError
from dunwell.orm import Allocation, Customer, Invoice, User
from factories import make_customer, make_invoice

ADMIN = Principal.operator("test")


def _pay(session: Session, invoice: Invoice, minor: int, on: date) -> None:
    session.add(
        Allocation(
            invoice_id=invoice.id,
            kind=SettlementKind.PAYMENT,
            currency=invoice.currency,
            amount_minor=minor,
            applied_on=on,
            applied_by="test",
        )
    )
    invoice.open_amount_minor -= minor
    session.flush()


def _owned(session: Session, login: str) -> tuple[Customer, Principal]:
    user = User(login=login, name=login, role=UserRole.COLLECTOR)
    session.add(user)
    session.flush()
    customer = make_customer(session)
    customer.owner_id = user.id
    session.flush()
    return customer, Principal(
        actor=login, role=UserRole.COLLECTOR, user_id=user.id, portfolio=frozenset({user.id})
    )


def test_a_promise_is_open_then_partly_kept_or_kept_as_of_each_day(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        invoice = make_invoice(session, amount="100.00", issue_date=date(2024, 1, 1))
        promised = PromiseInput(
            promised_date=date(2024, 2, 10),
            amount_minor=10_000,
            invoice_ids=(invoice.id,),
            made_on=date(2024, 2, 1),
        )
        view = service.record_promise(session, ADMIN, invoice.customer_id, promised)
        assert view.status is PromiseStatus.OPEN
        _pay(session, invoice, 4_000, date(2024, 2, 9))

        def status(on: date) -> tuple[PromiseStatus, int]:
            found = service.promises(session, ADMIN, invoice.customer_id, as_of=on)
            return found[0].status, found[0].paid_minor

        judged = date(2024, 2, 10) + timedelta(days=GRACE_DAYS)
        assert status(date(2024, 2, 8)) == (PromiseStatus.OPEN, 0)
        assert status(judged) == (PromiseStatus.OPEN, 4_000)  # still within the grace period
        assert status(judged + timedelta(days=1)) == (PromiseStatus.PARTLY_KEPT, 4_000)
        _pay(session, invoice, 6_000, judged)
        assert status(judged) == (PromiseStatus.KEPT, 10_000)
        assert status(date(2024, 2, 9)) == (PromiseStatus.OPEN, 4_000)  # as known then


def test_a_promise_with_no_cash_is_broken_after_the_grace_period(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        customer = make_customer(session)
        make_invoice(session, customer=customer)
        promised = PromiseInput(promised_date=date(2024, 3, 1), amount_minor=5_000, made_on=date(2024, 2, 1))
        service.record_promise(session, ADMIN, customer.id, promised)  # for the account
        late = date(2024, 3, 1) + timedelta(days=GRACE_DAYS + 1)
        view = service.promises(session, ADMIN, customer.id, as_of=late)[0]
        assert view.status is PromiseStatus.BROKEN
        assert view.promise.status is PromiseStatus.OPEN  # reading never writes
        counts = service.refresh_promises(session, ADMIN, as_of=late)
        assert counts == {"promises": 1, "broken": 1}
        assert view.promise.status is PromiseStatus.BROKEN  # what the prediction's features read


def test_promises_refuse_closed_invoices_and_bad_dates(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        invoice = make_invoice(session)
        invoice.status, invoice.open_amount_minor = DocumentStatus.CLEARED, 0
        session.flush()
        closed = PromiseInput(promised_date=date(2030, 1, 1), amount_minor=100, invoice_ids=(invoice.id,))
        with pytest.raises(DunwellError, match="closed invoice") as refused:
            service.record_promise(session, ADMIN, invoice.customer_id, closed)
        assert refused.value.code == "invoice_closed"
        past = PromiseInput(promised_date=date(2020, 1, 1), amount_minor=100, made_on=date(2021, 1, 1))
        with pytest.raises(DunwellError, match="before the day"):
            service.record_promise(session, ADMIN, invoice.customer_id, past)


def test_holds_end_by_themselves_and_can_be_released_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        customer = make_customer(session)
        with pytest.raises(DunwellError, match=r"ends .* before it starts"):
            service.add_hold(
                session, ADMIN, customer.id, HoldInput("manual", date(2024, 5, 2), date(2024, 5, 1))
            )
        hold = service.add_hold(
            session, ADMIN, customer.id, HoldInput("legal", date(2024, 5, 1), date(2024, 5, 31))
        )
        assert not service.hold_active(hold, date(2024, 4, 30))
        assert service.hold_active(hold, date(2024, 5, 31))
        assert not service.hold_active(hold, date(2024, 6, 1))  # ended by itself
        service.release_hold(session, ADMIN, customer.id, hold.id, today=date(2024, 5, 10))
        assert not service.hold_active(hold, date(2024, 5, 10))
        assert hold.released_by == "test"
        with pytest.raises(DunwellError, match="already released"):
            service.release_hold(session, ADMIN, customer.id, hold.id, today=date(2024, 5, 11))


def test_a_dispute_is_no_more_than_is_open_and_resolving_clears_the_flag(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        invoice = make_invoice(session, amount="100.00")
        too_much = disputes.DisputeInput(category="pricing", amount_minor=10_001, invoice_ids=(invoice.id,))
        with pytest.raises(DunwellError, match="above what is open") as refused:
            disputes.open_dispute(session, ADMIN, invoice.customer_id, too_much, today=date(2024, 2, 1))
        assert refused.value.code == "dispute_above_open"
        fine = disputes.DisputeInput(category="pricing", amount_minor=2_500, invoice_ids=(invoice.id,))
        opened = disputes.open_dispute(session, ADMIN, invoice.customer_id, fine, today=date(2024, 2, 1))
        assert invoice.disputed
        assert opened.invoice_ids == [invoice.id]
        done = disputes.resolve_dispute(
            session,
            ADMIN,
            invoice.customer_id,
            opened.dispute.id,
            status="resolved_credited",
            resolution="credit note 25",
            today=date(2024, 2, 9),
        )
        assert (done.dispute.status.value, invoice.disputed) == ("resolved_credited", False)
        with pytest.raises(DunwellError, match="already resolved_credited"):
            disputes.resolve_dispute(
                session,
                ADMIN,
                invoice.customer_id,
                opened.dispute.id,
                status="withdrawn",
                resolution="again",
                today=date(2024, 2, 9),
            )


def test_a_customer_outside_the_portfolio_is_not_found(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        mine, cleo = _owned(session, "cleo")
        theirs, _ = _owned(session, "otto")
        touch = TouchInput(channel="call", direction="outbound", outcome="reached")
        assert service.log_touch(session, cleo, mine.id, touch).outcome.value == "reached"
        for attempt in (
            lambda: service.log_touch(session, cleo, theirs.id, touch),
            lambda: service.touches(session, cleo, theirs.id),
            lambda: service.add_hold(
                session, cleo, theirs.id, HoldInput("manual", date(2024, 1, 1), date(2024, 1, 2))
            ),
            lambda: service.touches(session, cleo, 999_999),
        ):
            with pytest.raises(DunwellError) as refused:
                attempt()
            assert refused.value.code == "customer_not_found"
        with pytest.raises(DunwellError, match="outcome must be one of"):
            service.log_touch(
                session, cleo, mine.id, TouchInput(channel="call", direction="outbound", outcome="??")
            )


def test_a_touch_keeps_the_tone_it_was_worded_in_and_only_outbound_has_one(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        customer = make_customer(session)
        firm = TouchInput(channel="email", direction="outbound", outcome="sent", tone="firm")
        touch = service.log_touch(session, ADMIN, customer.id, firm)
        assert touch.tone == "firm"
        untold = service.log_touch(
            session, ADMIN, customer.id, TouchInput(channel="call", direction="outbound", outcome="reached")
        )
        assert untold.tone is None
        with pytest.raises(DunwellError, match="tone must be one of friendly, firm"):
            service.log_touch(
                session,
                ADMIN,
                customer.id,
                TouchInput(channel="email", direction="outbound", outcome="sent", tone="rude"),
            )
        with pytest.raises(DunwellError, match="only an outbound touch has a tone"):
            service.log_touch(
                session,
                ADMIN,
                customer.id,
                TouchInput(channel="call", direction="inbound", outcome="reached", tone="friendly"),
            )
