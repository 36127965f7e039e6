"""Cash application for a person: the queue and the actions checked against who is asking, the
split of a payment over documents a person chooses, uploads, runs and write-off approval (the real
engine, both databases)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cashapp.helpers import ENTITY, Book
from cashapp.owned import AS_OF, owned_book, statement
from dunwell.access import users
from dunwell.access.signin import principal_of
from dunwell.cashapp import workplace
from dunwell.cashapp.service import run_matching
from dunwell.cashapp.workplace import FileTooLarge, SplitLine
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.settlement import SettleReason
from dunwell.orm import Allocation, AuditEntry, CashMatch, Invoice, Payment, User, WriteOffStatus
from dunwell.settlements import write_offs
from factories import make_invoice

ADMIN = Principal.operator("test-admin")


@pytest.fixture
def book(session: Session) -> Book:
    for login, role in (
        ("cleo", UserRole.COLLECTOR),
        ("otto", UserRole.COLLECTOR),
        ("vic", UserRole.VIEWER),
        ("max", UserRole.MANAGER),
        ("mia", UserRole.MANAGER),
    ):
        users.add_user(session, ADMIN, login=login, name=login.title(), role=role, password="x" * 12)
    found = owned_book(session)
    workplace.upload_statement(session, ADMIN, data=statement(), filename="feb.xml", entity_code=ENTITY)
    run_matching(session, as_of=AS_OF, actor="test")
    return found


def _as(session: Session, login: str) -> Principal:
    return principal_of(session, session.scalars(select(User).where(User.login == login)).one())


def _match(session: Session, ref: str) -> CashMatch:
    payment = session.scalars(select(Payment).where(Payment.bank_reference == ref)).one()
    return session.scalars(select(CashMatch).where(CashMatch.payment_id == payment.id)).one()


def _refs(session: Session, page: workplace.QueuePage) -> list[str | None]:
    return [session.get(Payment, i.payment_id).bank_reference for i in page.items]  # type: ignore[union-attr]


def test_each_person_sees_their_portfolio_and_the_unidentified_cash(session: Session, book: Book) -> None:
    assert _refs(session, workplace.queue(session, ADMIN)) == ["E-3", "E-2", "E-1"]  # newest first
    assert _refs(session, workplace.queue(session, _as(session, "cleo"))) == ["E-3", "E-2"]
    assert _refs(session, workplace.queue(session, _as(session, "otto"))) == ["E-3", "E-1"]
    assert _refs(session, workplace.queue(session, _as(session, "vic"))) == ["E-3", "E-2", "E-1"]
    paged = workplace.queue(session, ADMIN, page=2, per_page=2)
    assert (paged.total, paged.pages, _refs(session, paged)) == (3, 2, ["E-1"])
    suggested = workplace.queue(session, _as(session, "cleo")).items[1]
    assert suggested.candidates[0]["index"] == 0
    assert suggested.candidates[0]["name"] == "Acme Trading Inc"
    assert {"signal", "detail", "weight"} <= set(suggested.candidates[0]["evidence"][0])


def test_a_collector_cannot_decide_on_another_portfolio_and_a_viewer_on_nothing(
    session: Session, book: Book
) -> None:
    bolt_match = _match(session, "E-1").id
    with pytest.raises(DunwellError) as refused:
        workplace.confirm_match(session, _as(session, "cleo"), bolt_match)
    assert refused.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(DunwellError) as refused:
        workplace.reject_match(session, _as(session, "cleo"), bolt_match, reason="not mine")
    assert refused.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(DunwellError) as refused:
        workplace.confirm_match(session, _as(session, "vic"), _match(session, "E-2").id)
    assert refused.value.kind is ErrorKind.FORBIDDEN
    assert session.scalars(select(Allocation)).all() == []

    decision = workplace.confirm_match(session, _as(session, "otto"), bolt_match)
    assert decision.allocation_ids
    assert _match(session, "E-1").decided_by == "otto"


def test_split_applies_a_payment_over_the_documents_a_person_chooses(session: Session, book: Book) -> None:
    payment = session.get(Payment, _match(session, "E-3").payment_id)
    assert payment is not None
    crane = book.invoices["90000005"]
    acme = book.invoices["90000002"]

    result = workplace.split(
        session,
        _as(session, "max"),
        payment.id,
        [SplitLine(crane.id, Decimal("10.00")), SplitLine(acme.id, Decimal("2.34"))],
    )

    assert (result.applied_minor, result.unapplied_minor, len(result.allocation_ids)) == (1234, 0, 2)
    assert (crane.open_amount_minor, acme.open_amount_minor) == (9000, 25000 - 234)
    assert all(a.applied_by == "max" for a in session.scalars(select(Allocation)))
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "cashapp.split")).one()
    assert (entry.actor, entry.details["applied_minor"]) == ("max", 1234)
    assert workplace.queue_item(session, ADMIN, _match(session, "E-3").id) is None  # no longer waiting


def test_a_split_with_a_credit_memo_nets_it_against_the_invoice(session: Session, book: Book) -> None:
    payment_id = _match(session, "E-1").payment_id  # 99.00
    invoice, memo = book.invoices["90000004"], book.invoices["95000001"]
    lines = [SplitLine(invoice.id, Decimal("119.00")), SplitLine(memo.id, Decimal("-20.00"))]

    result = workplace.split(session, _as(session, "otto"), payment_id, lines)

    assert (result.applied_minor, result.unapplied_minor) == (9900, 0)
    assert (invoice.open_amount_minor, memo.open_amount_minor) == (50000 - 11900, 0)


@pytest.mark.parametrize(
    ("number", "amount", "message"),
    [
        ("90000005", "100.01", "has 100.00 USD open, less than the 100.01 USD typed"),
        ("90000002", "12.35", "more than the payment's unapplied"),
        ("90000005", "0", "its amount must be positive"),
        ("95000001", "5.00", "its amount must be negative"),
        ("90000005", "1.001", "is not an amount in USD"),
    ],
)
def test_a_split_is_refused_whole_with_its_reasons(
    session: Session, book: Book, number: str, amount: str, message: str
) -> None:
    payment_id = _match(session, "E-3").payment_id  # 12.34 unapplied
    with pytest.raises(DunwellError) as refused:
        workplace.split(session, ADMIN, payment_id, [SplitLine(book.invoices[number].id, Decimal(amount))])
    assert (refused.value.kind, refused.value.code) == (ErrorKind.INVALID, "split_invalid")
    assert message in refused.value.message
    assert session.scalars(select(Allocation)).all() == []


def test_a_split_refuses_another_currency_twice_the_same_document_and_other_portfolios(
    session: Session, book: Book
) -> None:
    payment_id = _match(session, "E-3").payment_id
    euro = make_invoice(session, customer=book.crane, amount="10.00", currency="EUR")
    crane = book.invoices["90000005"]
    with pytest.raises(DunwellError, match="is in EUR, the payment in USD"):
        workplace.split(session, ADMIN, payment_id, [SplitLine(euro.id, Decimal("1.00"))])
    with pytest.raises(DunwellError, match="named twice"):
        workplace.split(
            session,
            ADMIN,
            payment_id,
            [SplitLine(crane.id, Decimal("1.00")), SplitLine(crane.id, Decimal("1.00"))],
        )
    with pytest.raises(DunwellError) as refused:  # Bolt's invoice is otto's: not cleo's to know
        workplace.split(
            session,
            _as(session, "cleo"),
            payment_id,
            [SplitLine(book.invoices["90000003"].id, Decimal("1.00"))],
        )
    assert refused.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(DunwellError) as refused:  # Bolt's payment is not cleo's either
        workplace.split(
            session,
            _as(session, "cleo"),
            _match(session, "E-1").payment_id,
            [SplitLine(book.invoices["90000001"].id, Decimal("1.00"))],
        )
    assert refused.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(DunwellError) as refused:
        workplace.split(session, _as(session, "vic"), payment_id, [SplitLine(crane.id, Decimal("1.00"))])
    assert refused.value.kind is ErrorKind.FORBIDDEN


def test_only_managers_run_matching_and_uploads_are_size_limited(session: Session, book: Book) -> None:
    with pytest.raises(DunwellError) as refused:
        workplace.run_now(session, _as(session, "cleo"), as_of=AS_OF)
    assert refused.value.kind is ErrorKind.FORBIDDEN
    assert workplace.run_now(session, _as(session, "max"), as_of=AS_OF).counts["payments"] == 3
    with pytest.raises(FileTooLarge):
        workplace.upload_statement(
            session,
            ADMIN,
            data=b"x" * (workplace.MAX_UPLOAD_BYTES + 1),
            filename="big.xml",
            entity_code=ENTITY,
        )
    again = workplace.upload_statement(
        session, ADMIN, data=statement(), filename="../../etc/feb.xml", entity_code=None
    )
    assert (again.file, again.statements_skipped, again.payments_created) == ("feb.xml", 1, 0)


def test_nobody_approves_their_own_write_off_not_even_with_a_token(session: Session, book: Book) -> None:
    acme_invoice = book.invoices["90000002"]
    request = write_offs.propose(
        session,
        invoice_id=acme_invoice.id,
        amount_minor=5000,
        reason=SettleReason.BAD_DEBT,
        effective_on=AS_OF,
        actor="mia",
    )
    assert request.status is WriteOffStatus.PROPOSED
    mia_token = Principal(
        actor="token:laptop@mia", role=UserRole.MANAGER, user_id=_as(session, "mia").user_id
    )
    assert [w.id for w in workplace.pending_write_offs(session, _as(session, "cleo"))] == [request.id]
    assert workplace.pending_write_offs(session, _as(session, "otto")) == []
    with pytest.raises(DunwellError) as refused:
        workplace.approve_write_off(session, mia_token, request.id)
    assert refused.value.code == "own_write_off"
    for collector in ("cleo", "otto"):  # giving money up is a manager's decision
        with pytest.raises(DunwellError) as refused:
            workplace.approve_write_off(session, _as(session, collector), request.id)
        assert refused.value.kind is ErrorKind.FORBIDDEN
        with pytest.raises(DunwellError) as refused:
            workplace.reject_write_off(session, _as(session, collector), request.id, note="no")
        assert refused.value.kind is ErrorKind.FORBIDDEN

    approved = workplace.approve_write_off(session, _as(session, "max"), request.id, note="gone bust")
    assert (approved.status, approved.decided_by) == ("posted", "max")
    assert session.get(Invoice, acme_invoice.id).open_amount_minor == 20000  # type: ignore[union-attr]
