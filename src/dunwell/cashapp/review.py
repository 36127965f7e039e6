"""What people do with the matcher's work: look at the queue, confirm a candidate, reject one.

A confirmation applies the candidate in the person's name and teaches the matcher the payer's
name and account for that customer, so the next payment from them is recognised. A rejection
records the (payment, document) pairs as wrong: the next run never proposes them again, and may
find something better. Rejecting an automatic match undoes its allocations first, and its
write-offs (posted ones reversed, proposed ones rejected). Confirming a candidate proposes its
write-offs like an automatic match does: within the company's policy they post, else they wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dunwell.cashapp.applying import post_candidate
from dunwell.cashapp.matching_run import write_off_items
from dunwell.cashapp.repository import CashAppRepository
from dunwell.core.errors import DunwellError, ErrorKind, present
from dunwell.core.settlement import SettlementPolicy
from dunwell.kit import audit
from dunwell.matching.normalize import account_key, name_key
from dunwell.matching.records import MatchStatus
from dunwell.orm.base import utcnow
from dunwell.orm.cashapp import AliasKind, AliasSource, CashMatch, MatchDecision, PayerAlias, RejectedMatch
from dunwell.orm.payment import Payment
from dunwell.settlements import write_offs
from dunwell.settlements.policy import DEFAULT_POLICY
from dunwell.settlements.posting import reverse_allocation
from dunwell.settlements.repository import SettlementRepository


@dataclass(frozen=True, slots=True)
class ReviewItem:
    match_id: int
    payment_id: int
    value_date: date
    currency: str
    amount_minor: int
    unapplied_minor: int
    payer_name: str | None
    payer_account: str | None
    remittance: str | None
    status: MatchStatus
    confidence: float | None
    reason: str | None
    candidates: list[dict[str, Any]]
    rejected_before: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "match_id": self.match_id,
            "payment_id": self.payment_id,
            "value_date": self.value_date.isoformat(),
            "currency": self.currency,
            "amount_minor": self.amount_minor,
            "unapplied_minor": self.unapplied_minor,
            "payer_name": self.payer_name,
            "payer_account": self.payer_account,
            "remittance": self.remittance,
            "status": self.status.value,
            "confidence": self.confidence,
            "reason": self.reason,
            "candidates": self.candidates,
            "rejected_before": self.rejected_before,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    match_id: int
    payment_id: int
    decision: MatchDecision
    candidate: dict[str, Any]
    allocation_ids: list[int]
    learned: list[str]  # aliases learned, as "kind:value"
    #: Write-offs proposed for what the cash left open (posted within policy, else waiting).
    write_off_ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "match_id": self.match_id,
            "payment_id": self.payment_id,
            "decision": self.decision.value,
            "candidate": self.candidate,
            "allocation_ids": self.allocation_ids,
            "learned": self.learned,
            "write_off_ids": self.write_off_ids,
        }


def review_queue(
    session: Session,
    *,
    limit: int | None = None,
    offset: int = 0,
    owners: frozenset[int] | None = None,
    match_id: int | None = None,
) -> list[ReviewItem]:
    """Suggested and unmatched payments still waiting for a person, newest first (``owners``: the
    cash of one portfolio, see ``CashAppRepository.review_rows``)."""
    rows = CashAppRepository(session).review_rows(
        limit=limit, offset=offset, owners=owners, match_id=match_id
    )
    return [
        ReviewItem(
            match_id=row.match.id,
            payment_id=row.match.payment_id,
            value_date=row.value_date,
            currency=row.currency,
            amount_minor=row.amount_minor,
            unapplied_minor=row.unapplied_minor,
            payer_name=row.payer_name,
            payer_account=row.payer_account,
            remittance=row.remittance,
            status=row.match.status,
            confidence=row.match.confidence,
            reason=row.match.reason,
            candidates=row.match.candidates,
            rejected_before=row.match.decision is MatchDecision.REJECTED,
        )
        for row in rows
    ]


def confirm(
    session: Session,
    match_id: int,
    *,
    candidate: int = 0,
    actor: str,
    policy: SettlementPolicy = DEFAULT_POLICY,
) -> Decision:
    """Apply candidate ``candidate`` (0: the best) in ``actor``'s name and learn the payer."""
    repo = CashAppRepository(session)
    match, payment = _open_match(repo, match_id)
    chosen = _candidate(match, candidate)
    rejected = repo.rejected_invoice_ids(payment.id)
    if any(a["invoice_id"] in rejected for a in chosen["allocations"]):
        raise DunwellError(
            f"candidate {candidate} names documents rejected for this payment",
            code="candidate_rejected",
            kind=ErrorKind.INVALID,
        )
    allocation_ids: list[int] = []
    write_off_ids: list[int] = []
    if match.status is MatchStatus.AUTO and match.decision is None:
        pass  # applied already: confirming it approves it (and teaches the payer)
    else:
        if not chosen["allocations"]:
            raise DunwellError(
                f"candidate {candidate} names no documents to apply",
                code="nothing_to_apply",
                kind=ErrorKind.INVALID,
            )
        items = [(a["invoice_id"], a["amount_minor"]) for a in chosen["allocations"]]
        posted = post_candidate(
            session, payment, items, actor=actor, write_off_items=write_off_items(chosen), policy=policy
        )
        allocation_ids = posted.allocation_ids
        write_off_ids = posted.write_off_ids
        match.allocation_ids = allocation_ids
    payment.customer_id = chosen["customer_id"]
    learned = _learn(repo, payment, chosen["customer_id"], own_name=chosen["name"] or "", actor=actor)
    _decide(match, MatchDecision.CONFIRMED, actor=actor, candidate=candidate, note=None)
    _record_decision(
        session, match, payment, chosen, candidate, actor=actor,
        allocations=chosen["allocations"],
        allocation_ids=allocation_ids,
        write_off_suggested_minor=chosen["write_off_minor"],
        write_off_ids=write_off_ids,
        learned=learned,
        # The top candidate it passed over, so the deployment can learn from the decision too.
        passed_over_evidence=(match.candidates[0].get("evidence") or []) if candidate else None,
    )  # fmt: skip
    session.flush()
    return Decision(
        match.id, payment.id, MatchDecision.CONFIRMED, chosen, allocation_ids, learned, write_off_ids
    )


def reject(
    session: Session, match_id: int, *, actor: str, reason: str | None = None, candidate: int = 0
) -> Decision:
    """Record candidate ``candidate``'s (payment, document) pairs as wrong; undo it if it was applied."""
    repo = CashAppRepository(session)
    match, payment = _open_match(repo, match_id)
    chosen = _candidate(match, candidate)
    if not chosen["allocations"]:
        raise DunwellError(
            f"candidate {candidate} names no documents to reject",
            code="nothing_to_reject",
            kind=ErrorKind.INVALID,
        )
    if match.status is MatchStatus.AUTO and match.decision is None and candidate == 0:
        _undo(session, match, actor=actor, reason=reason)
        payment.customer_id = None
    known = repo.rejected_invoice_ids(payment.id)
    for allocation in chosen["allocations"]:
        if allocation["invoice_id"] not in known:
            repo.add_rejection(
                RejectedMatch(
                    payment_id=payment.id,
                    invoice_id=allocation["invoice_id"],
                    rejected_by=actor,
                    reason=reason,
                )
            )
            known.add(allocation["invoice_id"])
    _decide(match, MatchDecision.REJECTED, actor=actor, candidate=candidate, note=reason)
    _record_decision(
        session, match, payment, chosen, candidate, actor=actor,
        invoice_ids=[a["invoice_id"] for a in chosen["allocations"]],
        reversed_allocation_ids=match.allocation_ids if match.status is MatchStatus.AUTO else [],
        reason=reason,
    )  # fmt: skip
    session.flush()
    return Decision(match.id, payment.id, MatchDecision.REJECTED, chosen, [], [])


def _record_decision(
    session: Session,
    match: CashMatch,
    payment: Payment,
    chosen: dict[str, Any],
    candidate: int,
    *,
    actor: str,
    **details: Any,
) -> None:
    """The audit entry of a person's decision, with what the matcher saw of the candidate decided
    on (``cashapp.calibration`` learns the deployment's own confidence from these)."""
    action = "cashapp.confirmed" if match.decision is MatchDecision.CONFIRMED else "cashapp.rejected"
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type="cash_match",
        subject_id=match.id,
        details={
            "payment_id": payment.id,
            "candidate": candidate,
            "customer_id": chosen["customer_id"],
            **details,
            "evidence": chosen.get("evidence") or [],
        },
    )


def _undo(session: Session, match: CashMatch, *, actor: str, reason: str | None) -> None:
    """Reverse an automatic match's allocations as of the day they were applied: it was never right."""
    why = f"automatic match rejected: {reason or 'no reason given'}"
    write_offs.withdraw_for_payment(session, match.payment_id, actor=actor, reason=why)
    allocations = SettlementRepository(session)
    for allocation_id in match.allocation_ids:
        allocation = allocations.allocation_for_update(allocation_id)
        if allocation is None or allocation.reversed_on is not None:
            continue
        reverse_allocation(
            session, allocation_id, reversed_on=allocation.applied_on, actor=actor,
            reason=why,
        )  # fmt: skip


def _open_match(repo: CashAppRepository, match_id: int) -> tuple[CashMatch, Payment]:
    """The match, unless a person confirmed it (a rejection still lets one pick another candidate)."""
    match = repo.match_for_update(match_id)
    if match is None:
        raise DunwellError(f"no match {match_id}", code="match_not_found", kind=ErrorKind.NOT_FOUND)
    if match.decision is MatchDecision.CONFIRMED:
        raise DunwellError(
            f"match {match_id} was already confirmed by {match.decided_by}",
            code="match_decided",
            kind=ErrorKind.CONFLICT,
        )
    payment = present(repo.payment(match.payment_id), f"payment {match.payment_id}")  # a foreign key
    return match, payment


def _candidate(match: CashMatch, index: int) -> dict[str, Any]:
    if not 0 <= index < len(match.candidates):
        raise DunwellError(
            f"match {match.id} has {len(match.candidates)} candidate(s); there is no candidate {index}",
            code="no_such_candidate",
            kind=ErrorKind.INVALID,
        )
    chosen: dict[str, Any] = match.candidates[index]
    if chosen["customer_id"] is None:
        raise DunwellError(
            "the candidate's customer no longer exists", code="customer_gone", kind=ErrorKind.CONFLICT
        )
    return chosen


def _learn(
    repo: CashAppRepository, payment: Payment, customer_id: int, *, own_name: str, actor: str
) -> list[str]:
    """The payer's name and account become aliases of the customer (once each; not its own name)."""
    learned = []
    name = name_key(payment.payer_name or "")
    for kind, raw, key in (
        (AliasKind.NAME, payment.payer_name, name if name != name_key(own_name) else ""),
        (AliasKind.ACCOUNT, payment.payer_account, account_key(payment.payer_account)),
    ):
        if not raw or not key or repo.alias_exists(customer_id=customer_id, kind=kind, value=key[:300]):
            continue
        repo.add_alias(
            PayerAlias(
                customer_id=customer_id, kind=kind, value=key[:300], display=raw[:300],
                source=AliasSource.CONFIRMED, created_by=actor,
            )
        )  # fmt: skip
        learned.append(f"{kind.value}:{key}")
    return learned


def _decide(
    match: CashMatch, decision: MatchDecision, *, actor: str, candidate: int, note: str | None
) -> None:
    match.decision = decision
    match.decided_by = actor
    match.decided_at = utcnow()
    match.decided_candidate = candidate
    match.decision_note = note
