"""Write-off requests: proposed, judged by the company policy, posted by it or by a person.

Cash application proposes one for what a short payment leaves on each invoice (a bank fee, a
discount, a stated deduction); a person proposes one with ``dunwell invoices write-off``. Within
policy it posts at once in the proposer's name, with the policy's reasons; above it, it waits for
a person, and a customer's deduction above policy is flagged as a dispute candidate. Bad debt
always waits, and nobody approves their own request. Every step is audited; a posted one is
reversed, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money
from dunwell.core.settlement import SettlementPolicy, SettleReason
from dunwell.kit import audit
from dunwell.orm.invoice import Invoice
from dunwell.orm.settlement import WriteOff, WriteOffStatus
from dunwell.settlements.policy import DEFAULT_POLICY
from dunwell.settlements.posting import AllocationRefused, reverse_allocation, settle_without_cash
from dunwell.settlements.repository import SettlementRepository


@dataclass(frozen=True, slots=True)
class WriteOffView:
    id: int
    invoice: str
    entity: str
    reason: str
    kind: str
    amount: str
    currency: str
    effective_on: str
    status: str
    dispute_candidate: bool
    policy: str
    proposed_by: str
    decided_by: str | None
    note: str | None
    decision_note: str | None
    payment_id: int | None
    allocation_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def propose(
    session: Session,
    *,
    invoice_id: int,
    amount_minor: int | None,
    reason: SettleReason,
    effective_on: date,
    actor: str,
    note: str | None = None,
    payment_id: int | None = None,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> WriteOff:
    """Request to settle ``amount_minor`` (None: all that is open) of an invoice for ``reason``;
    posted at once when the policy allows it, else left for a person."""
    repo = SettlementRepository(session)
    invoice = repo.document_for_update(invoice_id)
    if invoice is None:
        raise DunwellError(f"no document {invoice_id}", code="invoice_not_found", kind=ErrorKind.NOT_FOUND)
    amount = invoice.open_amount_minor if amount_minor is None else amount_minor
    if amount <= 0 or amount > invoice.open_amount_minor:
        raise AllocationRefused(
            [
                f"{invoice.number} has {_money(invoice.open_amount_minor, invoice)} open; "
                f"cannot write off {_money(amount, invoice)}"
            ]
        )
    verdict = policy.judge(reason, amount, invoice.amount_minor, invoice.currency)
    write_off = repo.add_write_off(
        WriteOff(
            invoice_id=invoice.id,
            payment_id=payment_id,
            kind=reason.settlement_kind,
            reason=reason,
            note=note,
            currency=invoice.currency,
            amount_minor=amount,
            effective_on=effective_on,
            status=WriteOffStatus.PROPOSED,
            policy_verdict=verdict.summary[:500],
            dispute_candidate=verdict.dispute_candidate,
            proposed_by=actor,
        )
    )
    _audit(session, write_off, actor, "write_off.proposed", invoice, {"policy": verdict.summary})
    if verdict.automatic:
        _post(session, write_off, invoice, actor=actor, note=f"within policy: {verdict.summary}")
    return write_off


def approve(session: Session, write_off_id: int, *, actor: str, note: str | None = None) -> WriteOff:
    """Post a proposed write-off in ``actor``'s name: never the proposer's own request."""
    repo = SettlementRepository(session)
    write_off = _in_state(repo, write_off_id, WriteOffStatus.PROPOSED, "approved")
    if write_off.proposed_by == actor:
        raise DunwellError(
            f"write-off {write_off.id} was proposed by {actor}: another person approves it",
            code="own_write_off",
            kind=ErrorKind.FORBIDDEN,
        )
    invoice = repo.document_for_update(write_off.invoice_id)
    if invoice is None:
        raise DunwellError(f"write-off {write_off.id} names no invoice", code="broken_write_off")
    _post(session, write_off, invoice, actor=actor, note=note)
    return write_off


def reject(session: Session, write_off_id: int, *, actor: str, note: str) -> WriteOff:
    """Refuse a proposed write-off: the amount stays open (to collect, or to dispute)."""
    repo = SettlementRepository(session)
    write_off = _in_state(repo, write_off_id, WriteOffStatus.PROPOSED, "rejected")
    write_off.status = WriteOffStatus.REJECTED
    _decided(write_off, actor, note)
    _audit(session, write_off, actor, "write_off.rejected", None, {"note": note})
    session.flush()
    return write_off


def reverse(
    session: Session, write_off_id: int, *, actor: str, reason: str, reversed_on: date | None = None
) -> WriteOff:
    """Undo a posted write-off from ``reversed_on`` (default: the day it took effect, as if it
    had never been posted); the amount is open again and the history before that day stands."""
    repo = SettlementRepository(session)
    write_off = _in_state(repo, write_off_id, WriteOffStatus.POSTED, "reversed")
    if write_off.allocation_id is None:
        raise DunwellError(f"write-off {write_off.id} has no posting", code="broken_write_off")
    on = reversed_on or write_off.effective_on
    reverse_allocation(session, write_off.allocation_id, reversed_on=on, actor=actor, reason=reason)
    _audit(
        session,
        write_off,
        actor,
        "write_off.reversed",
        None,
        {"reason": reason, "reversed_on": on.isoformat()},
    )
    session.flush()
    return write_off


def withdraw_for_payment(session: Session, payment_id: int, *, actor: str, reason: str) -> list[int]:
    """A payment's match was undone: its write-offs go too (posted ones reversed as of their day,
    pending ones rejected). Returns their ids."""
    repo = SettlementRepository(session)
    done = []
    for write_off in repo.write_offs_of_payment(payment_id):
        if write_off.status is WriteOffStatus.POSTED:
            reverse(session, write_off.id, actor=actor, reason=reason)
        elif write_off.status is WriteOffStatus.PROPOSED:
            reject(session, write_off.id, actor=actor, note=reason)
        else:
            continue
        done.append(write_off.id)
    return done


def view(session: Session, write_off_id: int) -> WriteOffView:
    rows = SettlementRepository(session).write_offs(write_off_id=write_off_id)
    if not rows:
        raise DunwellError(
            f"no write-off {write_off_id}", code="write_off_not_found", kind=ErrorKind.NOT_FOUND
        )
    return _views(rows)[0]


def listing(
    session: Session, *, status: WriteOffStatus | None = None, disputes_only: bool = False, limit: int = 100
) -> list[WriteOffView]:
    return _views(
        SettlementRepository(session).write_offs(status=status, disputes_only=disputes_only, limit=limit)
    )


def _views(rows: list[tuple[WriteOff, str, str]]) -> list[WriteOffView]:
    return [
        WriteOffView(
            id=w.id,
            invoice=number,
            entity=entity,
            reason=w.reason.value,
            kind=w.kind.value,
            amount=str(Money.from_minor(w.amount_minor, w.currency).amount),
            currency=w.currency,
            effective_on=w.effective_on.isoformat(),
            status=w.status.value,
            dispute_candidate=w.dispute_candidate,
            policy=w.policy_verdict,
            proposed_by=w.proposed_by,
            decided_by=w.decided_by,
            note=w.note,
            decision_note=w.decision_note,
            payment_id=w.payment_id,
            allocation_id=w.allocation_id,
        )
        for w, number, entity in rows
    ]


def _post(session: Session, write_off: WriteOff, invoice: Invoice, *, actor: str, note: str | None) -> None:
    if write_off.amount_minor > invoice.open_amount_minor:
        raise AllocationRefused(
            [
                f"{invoice.number} has only {_money(invoice.open_amount_minor, invoice)} open now, "
                f"less than the {_money(write_off.amount_minor, invoice)} to write off"
            ]
        )
    on = max(write_off.effective_on, invoice.issue_date)
    allocation = settle_without_cash(
        session, invoice=invoice, kind=write_off.kind, amount_minor=write_off.amount_minor, on=on, actor=actor
    )
    write_off.allocation_id = allocation.id
    write_off.status = WriteOffStatus.POSTED
    _decided(write_off, actor, note)
    _audit(
        session, write_off, actor, "write_off.posted", invoice, {"allocation_id": allocation.id, "note": note}
    )
    session.flush()


def _in_state(repo: SettlementRepository, write_off_id: int, state: WriteOffStatus, verb: str) -> WriteOff:
    write_off = repo.write_off_for_update(write_off_id)
    if write_off is None:
        raise DunwellError(
            f"no write-off {write_off_id}", code="write_off_not_found", kind=ErrorKind.NOT_FOUND
        )
    if write_off.status is not state:
        raise DunwellError(
            f"write-off {write_off_id} is {write_off.status.value}; only a {state.value} one can be {verb}",
            code="write_off_state",
            kind=ErrorKind.CONFLICT,
        )
    return write_off


def _decided(write_off: WriteOff, actor: str, note: str | None) -> None:
    write_off.decided_by = actor
    write_off.decided_at = datetime.now(UTC)
    write_off.decision_note = (note or None) and note[:500]


def _audit(
    session: Session,
    write_off: WriteOff,
    actor: str,
    action: str,
    invoice: Invoice | None,
    extra: dict[str, Any],
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type="write_off",
        subject_id=write_off.id,
        details={
            "invoice_id": write_off.invoice_id,
            "invoice": invoice.number if invoice is not None else None,
            "payment_id": write_off.payment_id,
            "reason": write_off.reason.value,
            "kind": write_off.kind.value,
            "amount": str(Money.from_minor(write_off.amount_minor, write_off.currency).amount),
            "currency": write_off.currency,
            "effective_on": write_off.effective_on.isoformat(),
            "dispute_candidate": write_off.dispute_candidate,
            **extra,
        },
    )


def _money(minor: int, invoice: Invoice) -> Money:
    return Money.from_minor(minor, invoice.currency)
