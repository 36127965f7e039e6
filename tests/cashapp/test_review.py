"""People in the loop: the review queue, confirming (and what the matcher learns from it), rejecting
(and that it is remembered) - with the real engine, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cashapp.helpers import Book, Entry
from dunwell.cashapp.service import AUTO_ACTOR, ImportResult, confirm, reject, review_queue, run_matching
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.matching.records import MatchStatus
from dunwell.orm import (
    Allocation,
    AuditEntry,
    CashMatch,
    Invoice,
    PayerAlias,
    Payment,
    RejectedMatch,
    WriteOff,
    WriteOffStatus,
)
from dunwell.orm.cashapp import AliasKind, AliasSource, MatchDecision

ImportCamt = Callable[..., ImportResult]
AS_OF = date(2024, 2, 29)
ZENITH = {"payer": "Zenith Holdings", "payer_account": "US99 BANK 0099"}
BOLT = {"payer": "Bolt Industries", "payer_account": "US22BANK0002"}


def _match(session: Session, ref: str) -> CashMatch:
    payment = session.scalars(select(Payment).where(Payment.bank_reference == ref)).one()
    return session.scalars(select(CashMatch).where(CashMatch.payment_id == payment.id)).one()


def _numbers(match: CashMatch) -> set[str]:
    return {a["number"] for c in match.candidates for a in c["allocations"]}


def test_the_queue_holds_suggested_and_unmatched_cash_newest_first(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt(
        [
            Entry("E-1", "100.00", remittance="90000001", payer="Acme Trading Inc", day=date(2024, 2, 1)),
            Entry("E-2", "99.00", day=date(2024, 2, 2), **BOLT),  # a fee short: a person decides
            Entry("E-3", "12.34", payer="Nobody", day=date(2024, 2, 3)),
        ]
    )
    run_matching(session, as_of=AS_OF, actor="test")

    queue = review_queue(session)

    assert [(q.value_date, q.status) for q in queue] == [
        (date(2024, 2, 3), MatchStatus.UNMATCHED),
        (date(2024, 2, 2), MatchStatus.SUGGESTED),
    ]
    suggestion = queue[1].to_dict()
    assert suggestion["candidates"][0]["name"] == "Bolt Industries LLC"
    assert suggestion["candidates"][0]["evidence"][0]["signal"] == "payer_name_exact"
    assert [q.match_id for q in review_queue(session, limit=1)] == [queue[0].match_id]


def test_confirming_applies_the_candidate_and_teaches_the_payer(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    # Zenith pays part of Acme's 90000001: a partial payment is never applied without a person.
    import_camt([Entry("E-1", "60.00", remittance="90000001", **ZENITH)])
    run_matching(session, as_of=AS_OF, actor="test")
    first = _match(session, "E-1")
    assert (first.status, first.customer_id) == (MatchStatus.SUGGESTED, book.acme.id)

    decision = confirm(session, first.id, actor="user:ann")

    allocation = session.scalars(select(Allocation)).one()
    assert (allocation.applied_by, allocation.amount_minor) == ("user:ann", 6000)
    invoice = session.get(Invoice, book.invoices["90000001"].id)
    assert invoice is not None
    assert invoice.open_amount_minor == 4000
    assert (first.decision, first.decided_by) == (MatchDecision.CONFIRMED, "user:ann")
    aliases = {(a.kind, a.value, a.display, a.source) for a in session.scalars(select(PayerAlias))}
    assert aliases == {
        (AliasKind.NAME, "zenith holdings", "Zenith Holdings", AliasSource.CONFIRMED),
        (AliasKind.ACCOUNT, "US99BANK0099", "US99 BANK 0099", AliasSource.CONFIRMED),
    }
    assert decision.learned == ["name:zenith holdings", "account:US99BANK0099"]

    # Zenith pays again, naming nothing: before the confirmation nobody knew who Zenith was.
    import_camt([Entry("E-2", "250.00", day=date(2024, 2, 10), **ZENITH)], "next.xml", statement_id="S-2")
    run_matching(session, as_of=AS_OF, actor="test")

    second = _match(session, "E-2")
    assert (second.status, second.customer_id) == (MatchStatus.AUTO, book.acme.id)
    assert {"payer_alias", "payer_account"} <= {e["signal"] for e in second.candidates[0]["evidence"]}
    assert _numbers(second) == {"90000002"}
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "cashapp.confirmed")).one()
    assert (audit.actor, audit.details["learned"]) == ("user:ann", decision.learned)


def test_a_rejected_pair_is_never_proposed_again(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt([Entry("E-1", "99.00", **BOLT)])  # a fee short of the 100.00 invoice
    run_matching(session, as_of=AS_OF, actor="test")
    match = _match(session, "E-1")
    assert _numbers(match) == {"90000003"}

    reject(session, match.id, actor="user:ann", reason="that was the March delivery")

    assert match.decision is MatchDecision.REJECTED
    rejected = session.scalars(select(RejectedMatch)).one()
    assert (rejected.invoice_id, rejected.reason) == (
        book.invoices["90000003"].id,
        "that was the March delivery",
    )
    run_matching(session, as_of=AS_OF, actor="test")
    run_matching(session, as_of=AS_OF, actor="test")
    assert "90000003" not in _numbers(_match(session, "E-1"))
    assert _match(session, "E-1").decision is None  # a fresh result, waiting for a person again
    assert session.scalars(select(Allocation)).all() == []
    assert (
        session.scalars(select(AuditEntry).where(AuditEntry.action == "cashapp.rejected")).one().actor
        == "user:ann"
    )


def test_rejecting_an_automatic_match_undoes_it(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt([Entry("E-1", "100.00", remittance="90000005", payer="Crane Works")])
    run_matching(session, as_of=AS_OF, actor="test")
    match = _match(session, "E-1")
    assert match.status is MatchStatus.AUTO

    reject(session, match.id, actor="user:ann", reason="Crane never pays us in February")

    allocation = session.scalars(select(Allocation)).one()
    assert (allocation.applied_by, allocation.reversed_by) == (AUTO_ACTOR, "user:ann")
    assert allocation.reversed_on == allocation.applied_on  # as if it was never applied
    payment = session.get(Payment, match.payment_id)
    invoice = session.get(Invoice, book.invoices["90000005"].id)
    assert payment is not None
    assert invoice is not None
    assert (payment.unapplied_minor, payment.customer_id, invoice.open_amount_minor) == (10000, None, 10000)
    rerun = run_matching(session, as_of=AS_OF, actor="test")
    assert rerun.counts["auto"] == 0
    assert "90000005" not in _numbers(_match(session, "E-1"))


def test_rejecting_an_automatic_short_payment_reverses_its_write_off_too(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt([Entry("E-1", "499.90", remittance="90000004", payer="Bolt Industries")])
    run_matching(session, as_of=AS_OF, actor="test", auto_threshold=0.95)
    match = _match(session, "E-1")
    write_off = session.scalars(select(WriteOff)).one()
    assert (match.status, write_off.status) == (MatchStatus.AUTO, WriteOffStatus.POSTED)

    reject(session, match.id, actor="user:ann", reason="not Bolt's payment")

    assert write_off.status is WriteOffStatus.REVERSED
    invoice = session.get(Invoice, book.invoices["90000004"].id)
    assert invoice is not None
    assert invoice.open_amount_minor == 50000  # neither the cash nor the fee settles it now
    live = session.scalars(select(Allocation).where(Allocation.reversed_on.is_(None))).all()
    assert live == []


def test_decisions_are_refused_when_they_make_no_sense(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt([Entry("E-1", "100.00", **BOLT), Entry("E-2", "1.23", payer="Nobody")])
    run_matching(session, as_of=AS_OF, actor="test")
    suggested, unmatched = _match(session, "E-1"), _match(session, "E-2")

    def refused(call: Callable[[], object]) -> tuple[str, ErrorKind]:
        with pytest.raises(DunwellError) as error:
            call()
        return error.value.code, error.value.kind

    assert refused(lambda: confirm(session, 999_999, actor="a")) == ("match_not_found", ErrorKind.NOT_FOUND)
    assert refused(lambda: confirm(session, unmatched.id, actor="a")) == (
        "no_such_candidate",
        ErrorKind.INVALID,
    )
    assert refused(lambda: confirm(session, suggested.id, candidate=7, actor="a"))[0] == "no_such_candidate"
    confirm(session, suggested.id, actor="a")
    assert refused(lambda: confirm(session, suggested.id, actor="a")) == ("match_decided", ErrorKind.CONFLICT)
    assert refused(lambda: reject(session, suggested.id, actor="a")) == ("match_decided", ErrorKind.CONFLICT)


def test_a_confirmed_payment_is_never_matched_again(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    # 150.00 against a 100.00 invoice: 50.00 stays unapplied, and stays with the person's decision.
    import_camt([Entry("E-1", "150.00", remittance="90000005", payer="Crane Works")])
    run_matching(session, as_of=AS_OF, actor="test")
    match = _match(session, "E-1")
    assert match.status is MatchStatus.SUGGESTED
    confirm(session, match.id, actor="user:ann")

    assert run_matching(session, as_of=AS_OF, actor="test").counts["payments"] == 0
    assert match.decision is MatchDecision.CONFIRMED
    assert session.get(Payment, match.payment_id).unapplied_minor == 5000  # type: ignore[union-attr]


def test_after_a_rejection_a_candidate_with_a_rejected_document_cannot_be_confirmed(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    # 480.00 from Bolt: 500.00 less the 20.00 memo, or 500.00 short by 20.00 - two candidates.
    import_camt([Entry("E-1", "480.00", **BOLT)])
    run_matching(session, as_of=AS_OF, actor="test")
    match = _match(session, "E-1")
    assert len(match.candidates) == 2

    reject(session, match.id, actor="user:ann", reason="the memo is disputed")
    with pytest.raises(DunwellError) as refused:
        confirm(session, match.id, candidate=1, actor="user:ann")  # it names 90000004 too

    assert refused.value.code == "candidate_rejected"
    assert [q.rejected_before for q in review_queue(session)] == [True]
    assert session.scalars(select(Allocation)).all() == []


def test_confirming_an_automatic_match_approves_it_without_applying_twice(
    session: Session, book: Book, import_camt: ImportCamt
) -> None:
    import_camt([Entry("E-1", "100.00", remittance="90000005", payer="Crane Works", payer_account="US33")])
    run_matching(session, as_of=AS_OF, actor="test")
    match = _match(session, "E-1")

    decision = confirm(session, match.id, actor="user:ann")

    assert decision.allocation_ids == []
    assert [a.applied_by for a in session.scalars(select(Allocation))] == [AUTO_ACTOR]
    assert decision.learned == ["account:US33"]  # the name is the customer's own: nothing to learn
