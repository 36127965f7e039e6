"""Write-offs through the settlement service (SQLite and PostgreSQL): the policy posts what it
allows, a person the rest, nobody approves their own, a reversal reopens the invoice, and the
aging and the bad-debt ratio see each as of its date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentStatus, SettlementKind
from dunwell.core.errors import DunwellError
from dunwell.core.settlement import SettleReason
from dunwell.orm import Allocation, AuditEntry, Invoice, WriteOff, WriteOffStatus
from dunwell.reporting.service import metrics_as_of
from dunwell.settlements import write_offs
from dunwell.settlements.policy import parse_policy
from dunwell.settlements.posting import AllocationRefused
from factories import make_customer, make_invoice

ISSUED = date(2024, 1, 1)


def _open(session: Session, invoice: Invoice) -> tuple[int, DocumentStatus]:
    session.refresh(invoice)
    return invoice.open_amount_minor, invoice.status


def _actions(session: Session) -> list[tuple[str, str]]:
    return [(a.action, a.actor) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_small_bank_fee_is_posted_by_the_policy_in_the_proposers_name(session: Session) -> None:
    invoice = make_invoice(session, amount="1000.00")

    request = write_offs.propose(
        session, invoice_id=invoice.id, amount_minor=1500, reason=SettleReason.BANK_FEE,
        effective_on=date(2024, 2, 1), actor="user:ann",
    )  # fmt: skip

    assert request.status is WriteOffStatus.POSTED
    assert (request.decided_by, request.kind) == ("user:ann", SettlementKind.DEDUCTION)
    assert request.policy_verdict == (
        "15.00 within the 50.00 USD limit; 1.50 % of the invoice, within the 2.00 % limit"
    )
    assert _open(session, invoice) == (100000 - 1500, DocumentStatus.PARTIAL)
    allocation = session.get(Allocation, request.allocation_id)
    assert allocation is not None
    assert (allocation.kind, allocation.amount_minor, allocation.applied_on) == (
        SettlementKind.DEDUCTION, 1500, date(2024, 2, 1),
    )  # fmt: skip
    assert _actions(session) == [("write_off.proposed", "user:ann"), ("write_off.posted", "user:ann")]


def test_a_deduction_above_policy_waits_and_is_a_dispute_candidate(session: Session) -> None:
    invoice = make_invoice(session, amount="1000.00")

    request = write_offs.propose(
        session, invoice_id=invoice.id, amount_minor=12000, reason=SettleReason.PRICING,
        effective_on=date(2024, 2, 1), actor="dunwell:cashapp",
    )  # fmt: skip

    assert (request.status, request.dispute_candidate) == (WriteOffStatus.PROPOSED, True)
    assert "above the 25.00 USD limit" in request.policy_verdict
    assert "12.00 % of the invoice, above the 1.00 % limit" in request.policy_verdict
    assert _open(session, invoice) == (100000, DocumentStatus.OPEN)
    [listed] = write_offs.listing(session, disputes_only=True)
    assert (listed.id, listed.amount, listed.reason, listed.invoice) == (
        request.id, "120.00", "pricing", invoice.number,
    )  # fmt: skip

    write_offs.approve(session, request.id, actor="user:bob", note="credit agreed with the buyer")

    assert request.status is WriteOffStatus.POSTED
    assert (request.decided_by, request.decision_note) == ("user:bob", "credit agreed with the buyer")
    assert _open(session, invoice) == (100000 - 12000, DocumentStatus.PARTIAL)


def test_bad_debt_needs_an_approver_who_did_not_propose_it(session: Session) -> None:
    invoice = make_invoice(session, amount="250.00")
    request = write_offs.propose(
        session, invoice_id=invoice.id, amount_minor=None, reason=SettleReason.BAD_DEBT,
        effective_on=date(2024, 6, 30), actor="user:ann", note="customer insolvent",
    )  # fmt: skip
    assert (request.status, request.amount_minor, request.kind) == (
        WriteOffStatus.PROPOSED, 25000, SettlementKind.WRITE_OFF,
    )  # fmt: skip

    with pytest.raises(DunwellError, match="another person approves it"):
        write_offs.approve(session, request.id, actor="user:ann")
    write_offs.approve(session, request.id, actor="user:cfo")

    assert _open(session, invoice) == (0, DocumentStatus.CLEARED)
    with pytest.raises(DunwellError, match="only a proposed one can be approved"):
        write_offs.approve(session, request.id, actor="user:cfo")


def test_a_rejected_request_leaves_the_amount_open(session: Session) -> None:
    invoice = make_invoice(session, amount="100.00")
    request = write_offs.propose(
        session, invoice_id=invoice.id, amount_minor=None, reason=SettleReason.BAD_DEBT,
        effective_on=date(2024, 3, 1), actor="user:ann",
    )  # fmt: skip

    write_offs.reject(session, request.id, actor="user:cfo", note="they paid last time; call them")

    assert request.status is WriteOffStatus.REJECTED
    assert _open(session, invoice) == (10000, DocumentStatus.OPEN)
    assert session.scalars(select(Allocation)).all() == []


def test_more_than_is_open_is_refused_and_writes_nothing(session: Session) -> None:
    invoice = make_invoice(session, amount="100.00")

    with pytest.raises(AllocationRefused, match=r"cannot write off 100\.01"):
        write_offs.propose(
            session, invoice_id=invoice.id, amount_minor=10001, reason=SettleReason.OTHER,
            effective_on=ISSUED, actor="user:ann",
        )  # fmt: skip
    assert session.scalars(select(WriteOff)).all() == []


def test_a_reversal_reopens_the_invoice_and_the_aging_sees_both_days(session: Session) -> None:
    customer = make_customer(session)
    sale = make_invoice(session, customer=customer, amount="900.00", issue_date=date(2024, 1, 15))
    bad = make_invoice(session, customer=customer, amount="100.00", issue_date=date(2024, 1, 15))
    request = write_offs.propose(
        session, invoice_id=bad.id, amount_minor=None, reason=SettleReason.BAD_DEBT,
        effective_on=date(2024, 3, 15), actor="user:ann",
    )  # fmt: skip
    write_offs.approve(session, request.id, actor="user:cfo")

    before = metrics_as_of(session, as_of=date(2024, 3, 14), period_days=90).overall
    after = metrics_as_of(session, as_of=date(2024, 3, 31), period_days=90).overall
    assert (before.total_ar, before.bad_debt_ratio) == (Decimal("1000.00"), Decimal(0))
    # 100.00 written off against 1,000.00 of sales in the period: 10 %.
    assert (after.total_ar, after.bad_debt_ratio) == (Decimal("900.00"), Decimal(10))

    write_offs.reverse(session, request.id, actor="user:cfo", reason="paid after all",
                       reversed_on=date(2024, 4, 2))  # fmt: skip

    assert request.status is WriteOffStatus.REVERSED
    assert _open(session, bad) == (10000, DocumentStatus.OPEN)
    still = metrics_as_of(session, as_of=date(2024, 3, 31), period_days=90).overall
    assert still.total_ar == Decimal("900.00")  # history before the reversal stands
    reopened = metrics_as_of(session, as_of=date(2024, 4, 5), period_days=90).overall
    assert reopened.total_ar == Decimal("1000.00")
    assert sale.status is DocumentStatus.OPEN


def test_a_custom_policy_can_make_a_reason_automatic_or_manual(session: Session) -> None:
    invoice = make_invoice(session, amount="100.00")
    manual = parse_policy({"bank_fee": {"automatic": False}})

    request = write_offs.propose(
        session, invoice_id=invoice.id, amount_minor=100, reason=SettleReason.BANK_FEE,
        effective_on=ISSUED, actor="user:ann", policy=manual,
    )  # fmt: skip

    assert request.status is WriteOffStatus.PROPOSED
    assert request.policy_verdict == "bank_fee always needs a person's approval"
