"""Cash application's REST shapes: the review queue, decisions, splits, imports, runs, write-offs.

Amounts the matcher and the book computed are integer minor units (``*_minor``) with their
currency; amounts a person types are decimal strings in the payment's currency ("120.50").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from dunwell.cashapp.importing import ImportResult
from dunwell.cashapp.review import Decision, ReviewItem
from dunwell.cashapp.splitting import SplitResult
from dunwell.cashapp.workplace import QueuePage


class CandidateAllocation(BaseModel):
    invoice_id: int
    number: str
    amount_minor: int


class Evidence(BaseModel):
    signal: str
    detail: str
    weight: float


class Candidate(BaseModel):
    index: int = Field(description="What `confirm` and `reject` take as `candidate`.")
    customer_id: int | None
    customer: str
    name: str | None
    confidence: float
    allocations: list[CandidateAllocation]
    evidence: list[Evidence]
    unapplied_minor: int = 0
    write_off_minor: int = 0
    write_off_reason: str | None = None


class ReviewEntry(BaseModel):
    match_id: int
    payment_id: int
    value_date: date
    currency: str
    amount_minor: int
    unapplied_minor: int
    payer_name: str | None
    payer_account: str | None
    remittance: str | None
    status: str
    confidence: float | None
    reason: str | None
    rejected_before: bool
    candidates: list[Candidate]

    @classmethod
    def of(cls, item: ReviewItem) -> ReviewEntry:
        data: dict[str, Any] = item.to_dict()
        data["candidates"] = [Candidate.model_validate(c) for c in item.candidates]
        return cls.model_validate(data)


class ReviewQueue(BaseModel):
    items: list[ReviewEntry]
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, found: QueuePage) -> ReviewQueue:
        return cls(
            items=[ReviewEntry.of(i) for i in found.items],
            total=found.total,
            page=found.page,
            per_page=found.per_page,
            pages=found.pages,
        )


class MatchConfirm(BaseModel):
    candidate: int = Field(0, ge=0, description="The candidate's index (0: the best).")


class MatchReject(BaseModel):
    candidate: int = Field(0, ge=0)
    reason: str | None = Field(None, max_length=500)


class MatchDecision(BaseModel):
    match_id: int
    payment_id: int
    decision: str
    customer_id: int | None
    allocation_ids: list[int]
    learned: list[str]
    write_off_ids: list[int]

    @classmethod
    def of(cls, decision: Decision) -> MatchDecision:
        return cls(
            match_id=decision.match_id,
            payment_id=decision.payment_id,
            decision=decision.decision.value,
            customer_id=decision.candidate.get("customer_id"),
            allocation_ids=decision.allocation_ids,
            learned=decision.learned,
            write_off_ids=decision.write_off_ids,
        )


class SplitAllocation(BaseModel):
    invoice_id: int = Field(ge=1, le=2**63 - 1)
    amount: Decimal = Field(description="In the payment's currency; negative for a credit memo netted.")


class PaymentSplit(BaseModel):
    allocations: list[SplitAllocation] = Field(min_length=1, max_length=100)


class SplitApplied(BaseModel):
    payment_id: int
    currency: str
    allocation_ids: list[int]
    applied_minor: int
    unapplied_minor: int

    @classmethod
    def of(cls, result: SplitResult) -> SplitApplied:
        return cls.model_validate(result.to_dict())


class StatementProblem(BaseModel):
    code: str
    message: str
    line: int | None


class ImportedStatement(BaseModel):
    statement_id: str | None
    account: str
    entity: str
    status: str
    credits: int
    payments_created: int
    payments_present: int
    debits: int
    reversals: int


class StatementImport(BaseModel):
    file: str
    format: str
    sha256: str
    statements_new: int
    statements_skipped: int
    statements_amended: int
    payments_created: int
    payments_present: int
    debits: int
    reversals: int
    statements: list[ImportedStatement]
    problems: list[StatementProblem]

    @classmethod
    def of(cls, result: ImportResult) -> StatementImport:
        return cls.model_validate(result.to_dict())


class MatchingRunStart(BaseModel):
    as_of: date | None = Field(None, description="Match cash received by this day (default: today).")


class MatchingRun(BaseModel):
    run_id: int
    as_of: date
    counts: dict[str, int]
    applied_minor: dict[str, int]


class WriteOff(BaseModel):
    id: int
    invoice: str
    entity: str
    reason: str
    kind: str
    amount: Decimal
    currency: str
    effective_on: date
    status: str
    dispute_candidate: bool
    policy: str
    proposed_by: str
    decided_by: str | None
    note: str | None
    decision_note: str | None
    payment_id: int | None
    allocation_id: int | None


class WriteOffApproval(BaseModel):
    note: str | None = Field(None, max_length=500)


class WriteOffRejection(BaseModel):
    note: str = Field(min_length=1, max_length=500, description="Why it is refused.")
