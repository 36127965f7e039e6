"""A matching run: every unapplied bank payment automation may still touch, through the engine.

The run reads the book as records (open documents, customer profiles with the accounts they paid
from and the aliases people confirmed, the pairs people rejected), lets ``matching.engine`` explain
each payment, stores the result per payment, and posts the ``auto`` ones. It is one transaction
(the caller's): a crash leaves nothing half done, and a rerun skips what an earlier run applied,
because those payments carry an ``auto`` match.

Automation never overrides people: a payment with an allocation someone else made or reversed is
left alone, a confirmed match is never revisited, and documents a person settled are simply no
longer open. What an applied short payment leaves on its invoices (a bank fee, a discount, a stated
deduction) is proposed for write-off through the settlement service: posted within the company's
policy, else left for a person (``dunwell writeoffs``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from dunwell.cashapp.applying import WriteOffItem, check_candidate, post_candidate
from dunwell.cashapp.calibration import model_in_use
from dunwell.cashapp.remitted import from_stored
from dunwell.cashapp.repository import (
    AUTO_ACTOR,
    CashAppRepository,
    CustomerRow,
    OpenDocument,
    PendingPayment,
)
from dunwell.core.documents import DocumentKind
from dunwell.core.errors import present
from dunwell.core.settlement import SettlementPolicy, SettleReason
from dunwell.core.terms import PaymentTerms
from dunwell.kit import audit
from dunwell.matching.confidence import ConfidenceModel
from dunwell.matching.engine import Matcher
from dunwell.matching.records import (
    Candidate,
    CustomerProfile,
    IncomingPayment,
    MatchResult,
    MatchStatus,
    OpenItem,
)
from dunwell.matching.tolerances import Tolerances
from dunwell.orm.base import utcnow
from dunwell.orm.cashapp import AliasKind, CashMatch, CashMatchRun
from dunwell.settlements.policy import DEFAULT_POLICY
from dunwell.terms.service import TermsReader, terms_reader

#: Days after the discount date that a discounted payment is still read as one: the bank credits
#: it days after the customer's payment run, and most sellers honour a discount that late.
DISCOUNT_GRACE_DAYS = 7


@dataclass(frozen=True, slots=True)
class RunSummary:
    run_id: int
    as_of: date
    counts: dict[str, int]
    #: Cash applied automatically, per currency, in minor units.
    applied_minor: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat(),
            **self.counts,
            "applied_minor": self.applied_minor,
        }


@dataclass(slots=True)
class _DatabaseIds:
    """The way back from the engine's ids (customer external ids, document numbers) to database
    rows, for one entity."""

    customers: dict[str, CustomerRow]  # by external id (the engine's customer id)
    documents: dict[str, OpenDocument]  # by number (the engine's item id)


def run_matching(
    session: Session,
    *,
    as_of: date,
    actor: str,
    auto_threshold: float | None = None,
    tolerances: Tolerances | None = None,
    policy: SettlementPolicy = DEFAULT_POLICY,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Match the unapplied bank cash received by ``as_of`` against what is open at ``as_of``;
    ``policy`` decides which write-offs the automatic matches post with no person. ``progress``
    hears (entities done, entities) as each entity's payments are stored."""
    repo = CashAppRepository(session)
    run = repo.add_run(CashMatchRun(as_of=as_of, actor=actor, counts={}))
    counts: Counter[str] = Counter(
        {"payments": 0, "auto": 0, "suggested": 0, "unmatched": 0, "written_off": 0, "write_offs_waiting": 0}
    )
    applied: Counter[str] = Counter()
    terms = terms_reader(session)
    model = model_in_use(session).model
    entities = repo.pending_entities(as_of)
    for done, entity_id in enumerate(entities, start=1):
        _run_entity(session, repo, run, entity_id, as_of=as_of, threshold=auto_threshold, terms=terms,
                    model=model, tolerances=tolerances, counts=counts, applied=applied,
                    policy=policy)  # fmt: skip
        if progress is not None:
            progress(done, len(entities))
    counts["held_by_people"] = repo.count_held_by_people(as_of)
    run.counts = dict(counts)
    audit.record(
        session,
        actor=actor,
        action="cashapp.matched",
        subject_type="cash_match_run",
        subject_id=run.id,
        details={"as_of": as_of.isoformat(), **counts, "applied_minor": dict(applied)},
    )
    session.flush()
    return RunSummary(run.id, as_of, dict(counts), dict(applied))


def _run_entity(
    session: Session,
    repo: CashAppRepository,
    run: CashMatchRun,
    entity_id: int,
    *,
    as_of: date,
    threshold: float | None,
    terms: TermsReader,
    model: ConfidenceModel,
    tolerances: Tolerances | None,
    counts: Counter[str],
    applied: Counter[str],
    policy: SettlementPolicy,
) -> None:
    payments = repo.pending_payments(entity_id, as_of)
    documents = repo.open_documents(entity_id, as_of)
    customers = repo.customers_of(entity_id)
    book = _DatabaseIds({c.external_id: c for c in customers}, {d.number: d for d in documents})
    matcher = Matcher(
        [_item(d, terms) for d in documents],
        _profiles(repo, entity_id, customers),
        rejected=[(str(p), number) for p, number in repo.rejected_pairs(entity_id)],
        auto_threshold=threshold,
        model=model,
        tolerances=tolerances,
    )
    results = matcher.match_all([_incoming(p) for p in payments])
    matches = repo.matches_for(p.id for p in payments)
    for result in results:
        payment_id = int(result.payment_ref)
        match = matches.get(payment_id) or CashMatch(payment_id=payment_id, candidates=[], allocation_ids=[])
        status = _store(session, repo, run, match, result, book, applied, counts, policy)
        counts["payments"] += 1
        counts[status.value] += 1


def _store(
    session: Session,
    repo: CashAppRepository,
    run: CashMatchRun,
    match: CashMatch,
    result: MatchResult,
    book: _DatabaseIds,
    applied: Counter[str],
    counts: Counter[str],
    policy: SettlementPolicy,
) -> MatchStatus:
    best = result.best
    status, reason = result.status, result.reason
    items = _items(best, book) if best is not None else []
    payment = present(repo.payment(match.payment_id), f"payment {match.payment_id}")
    if status is MatchStatus.AUTO:
        refused = check_candidate(session, payment, items)
        if refused:  # the book changed under the engine: leave it to a person
            status, reason = MatchStatus.SUGGESTED, "could not apply: " + "; ".join(refused)
    match.run_id = run.id
    match.status = status
    match.reason = reason
    match.confidence = best.confidence if best is not None else None
    match.customer_id = _customer_id(best, book)
    match.candidates = [candidate_json(c, book) for c in result.candidates]
    match.write_off_minor = best.write_off_minor if best is not None else 0
    match.write_off_reason = best.write_off_reason if best is not None else None
    match.matched_at = utcnow()
    match.allocation_ids = []
    match.decision = match.decided_by = match.decided_at = None
    match.decided_candidate = None
    match.decision_note = None
    if match.id is None:
        repo.add_match(match)
    if status is not MatchStatus.AUTO or best is None:
        return status
    posted = post_candidate(
        session, payment, items, actor=AUTO_ACTOR, write_off_items=_write_offs(best, book), policy=policy
    )
    match.allocation_ids = posted.allocation_ids
    counts["written_off"] += int(posted.written_off_minor > 0)
    counts["write_offs_waiting"] += int(posted.awaiting_approval_minor > 0)
    payment.customer_id = match.customer_id
    applied[payment.currency] += posted.cash_minor
    audit.record(
        session,
        actor=AUTO_ACTOR,
        action="cashapp.auto_applied",
        subject_type="payment",
        subject_id=payment.id,
        details={
            "match_id": match.id,
            "run_id": run.id,
            "customer_id": match.customer_id,
            "confidence": best.confidence,
            "allocations": match.candidates[0]["allocations"],
            "allocation_ids": posted.allocation_ids,
            "write_off_suggested_minor": best.write_off_minor,
            "write_off_ids": posted.write_off_ids,
            "evidence": match.candidates[0]["evidence"],
        },
    )
    return status


def candidate_json(candidate: Candidate, book: _DatabaseIds) -> dict[str, Any]:
    """A candidate as stored: database ids beside the engine's references, for people and queries."""
    customer = book.customers.get(candidate.customer_id)
    return {
        "customer_id": customer.id if customer else None,
        "customer": candidate.customer_id,
        "name": customer.name if customer else None,
        "confidence": candidate.confidence,
        "allocations": [
            {"invoice_id": book.documents[a.item_id].id, "number": a.item_id, "amount_minor": a.amount_minor}
            for a in candidate.allocations
        ],
        "evidence": [
            {"signal": e.signal, "detail": e.detail, "weight": e.weight} for e in candidate.evidence
        ],
        "unapplied_minor": candidate.unapplied_minor,
        "write_off_minor": candidate.write_off_minor,
        "write_off_reason": candidate.write_off_reason,
        "write_offs": [
            {
                "invoice_id": book.documents[w.item_id].id,
                "number": w.item_id,
                "amount_minor": w.amount_minor,
                "reason": w.reason.value,
            }
            for w in candidate.write_offs
        ],
    }


def write_off_items(candidate: dict[str, Any]) -> list[WriteOffItem]:
    """A stored candidate's write-off lines, as the settlement service takes them."""
    return [
        (w["invoice_id"], w["amount_minor"], SettleReason(w["reason"]))
        for w in candidate.get("write_offs") or []
    ]


def _write_offs(candidate: Candidate, book: _DatabaseIds) -> list[WriteOffItem]:
    return [(book.documents[w.item_id].id, w.amount_minor, w.reason) for w in candidate.write_offs]


def _items(candidate: Candidate, book: _DatabaseIds) -> list[tuple[int, int]]:
    return [(book.documents[a.item_id].id, a.amount_minor) for a in candidate.allocations]


def _customer_id(candidate: Candidate | None, book: _DatabaseIds) -> int | None:
    if candidate is None:
        return None
    customer = book.customers.get(candidate.customer_id)
    return customer.id if customer else None


def _incoming(payment: PendingPayment) -> IncomingPayment:
    return IncomingPayment(
        payment_ref=str(payment.id),
        amount_minor=payment.unapplied_minor,
        currency=payment.currency,
        value_date=payment.value_date,
        payer_name=payment.payer_name,
        payer_account=payment.payer_account,
        remittance=payment.remittance or "",
        structured_reference=payment.structured_reference,
        remittance_items=from_stored(payment.remittance_items),
    )


def discount_offered(terms: PaymentTerms | None, amount_minor: int, issued: date) -> tuple[int, date | None]:
    """The discount an invoice offers and the last value date a payment may take it (grace included)."""
    if terms is None or not terms.has_discount:
        return 0, None
    last_day = terms.discount_until(issued)
    until = last_day + timedelta(days=DISCOUNT_GRACE_DAYS) if last_day else None
    return terms.discount_minor(amount_minor), until


def _item(document: OpenDocument, terms: TermsReader) -> OpenItem:
    offered = terms(document.terms) if document.kind is DocumentKind.INVOICE else None
    discount, until = discount_offered(offered, document.amount_minor, document.issue_date)
    return OpenItem(
        item_id=document.number,
        customer_id=document.customer_ref,
        currency=document.currency,
        open_minor=document.open_minor,
        amount_minor=document.amount_minor,
        issue_date=document.issue_date,
        due_date=document.due_date,
        po_number=document.po_number,
        discount_minor=discount,
        discount_until=until,
    )


def _profiles(repo: CashAppRepository, entity_id: int, customers: list[CustomerRow]) -> list[CustomerProfile]:
    accounts = repo.paid_from_accounts(entity_id)
    names: dict[int, set[str]] = {}
    for customer_id, kind, value in repo.aliases_of(entity_id):
        target = accounts if kind is AliasKind.ACCOUNT else names
        target.setdefault(customer_id, set()).add(value)
    return [
        CustomerProfile(
            customer_id=c.external_id,
            name=c.name,
            accounts=tuple(sorted(accounts.get(c.id, ()))),
            aliases=tuple(sorted(names.get(c.id, ()))),
            parent_id=c.parent_external_id,
        )
        for c in customers
    ]
