"""REST for cash application: the review queue and what people decide on it, statement uploads,
matching runs and the write-offs waiting for approval. Scope and role are the services' to check
(``cashapp.workplace``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from dunwell.cashapp import workplace
from dunwell.cashapp.schemas import (
    MatchConfirm,
    MatchDecision,
    MatchingRun,
    MatchingRunStart,
    MatchReject,
    PaymentSplit,
    ReviewQueue,
    SplitApplied,
    StatementImport,
    WriteOff,
    WriteOffApproval,
    WriteOffRejection,
)
from dunwell.cashapp.workplace import MAX_UPLOAD_BYTES, FileTooLarge, SplitLine
from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.settlement import SettlementPolicy
from dunwell.kit.http import ERROR_RESPONSES, ApiError, current_principal, db_session, writer
from dunwell.matching.tolerances import Tolerances
from dunwell.settlements.policy import load_policy
from dunwell.settlements.write_offs import WriteOffView

router = APIRouter(tags=["cash application"], responses=ERROR_RESPONSES)
Db = Annotated[Session, Depends(db_session, scope="function")]
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
#: A database id (64-bit): anything larger is no row of ours, refused before it reaches the driver.
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
#: Room for the multipart envelope and the other fields around the file itself.
ENVELOPE_BYTES = 64 * 1024


@router.get("/cash/review", response_model=ReviewQueue)
def review_queue(
    session: Db,
    principal: Reader,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = workplace.PER_PAGE,
) -> ReviewQueue:
    """Suggested and unmatched payments waiting for a person, newest first, with the candidates
    (customer, allocations, confidence, evidence) the caller may see. A collector sees the cash of
    their portfolio and the cash nobody has been identified for."""
    return ReviewQueue.of(workplace.queue(session, principal, page=page, per_page=per_page))


@router.post("/cash/matches/{match_id}/confirm", response_model=MatchDecision)
def confirm_match(
    match_id: RowId, body: MatchConfirm, session: Db, principal: Writer, request: Request
) -> MatchDecision:
    """Apply a candidate in the caller's name and teach the matcher the payer."""
    decision = workplace.confirm_match(
        session, principal, match_id, candidate=body.candidate, policy=policy_of(request)
    )
    return MatchDecision.of(decision)


@router.post("/cash/matches/{match_id}/reject", response_model=MatchDecision)
def reject_match(match_id: RowId, body: MatchReject, session: Db, principal: Writer) -> MatchDecision:
    """Record a candidate's documents as wrong for this payment (an automatic match is undone)."""
    decision = workplace.reject_match(
        session, principal, match_id, candidate=body.candidate, reason=body.reason
    )
    return MatchDecision.of(decision)


@router.post("/cash/payments/{payment_id}/split", response_model=SplitApplied, status_code=201)
def split_payment(payment_id: RowId, body: PaymentSplit, session: Db, principal: Writer) -> SplitApplied:
    """Apply a payment over documents the caller chooses; refused whole, with every reason, when a
    line is more than its document has open, in another currency, or the lines take more than the
    payment has unapplied."""
    lines = [SplitLine(a.invoice_id, a.amount) for a in body.allocations]
    return SplitApplied.of(workplace.split(session, principal, payment_id, lines))


@router.post(
    "/cash/statements",
    response_model=StatementImport,
    status_code=201,
    responses={
        413: {"model": ApiError, "description": f"Larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB."}
    },
)
async def upload_statement(
    request: Request,
    session: Db,
    principal: Writer,
    file: Annotated[UploadFile, File(description="camt.052/053/054, BAI2, MT940/942, OFX, CSV/XLSX")],
    entity: Annotated[str | None, Form(description="The entity of an account seen the first time.")] = None,
) -> StatementImport | JSONResponse:
    """Import a bank statement: its credits become unapplied payments (a file imported before
    changes nothing); problems are reported with their line."""
    try:
        data = await read_upload(request, file)
    except FileTooLarge as exc:
        body = {"error": {"code": exc.code, "kind": exc.kind.value, "message": exc.message}}
        return JSONResponse(body, status_code=413)
    result = workplace.upload_statement(
        session, principal, data=data, filename=file.filename, entity_code=entity
    )
    return StatementImport.of(result)


@router.post("/cash/run", response_model=MatchingRun, status_code=201)
def run_matching(body: MatchingRunStart, session: Db, principal: Writer, request: Request) -> MatchingRun:
    """Match the unapplied cash received by ``as_of`` now (managers): what is certain is applied,
    the rest waits in the review queue."""
    summary = workplace.run_now(
        session,
        principal,
        as_of=body.as_of or datetime.now(UTC).date(),
        tolerances=tolerances_of(request),
        policy=policy_of(request),
    )
    return MatchingRun(
        run_id=summary.run_id, as_of=summary.as_of, counts=summary.counts, applied_minor=summary.applied_minor
    )


@router.get("/write-offs", response_model=list[WriteOff])
def waiting_write_offs(
    session: Db, principal: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[WriteOff]:
    """Write-offs waiting for a person's approval (above the policy), of the caller's portfolio."""
    return [_write_off(w) for w in workplace.pending_write_offs(session, principal, limit=limit)]


@router.post("/write-offs/{write_off_id}/approve", response_model=WriteOff)
def approve_write_off(
    write_off_id: RowId, body: WriteOffApproval, session: Db, principal: Writer
) -> WriteOff:
    """Post a waiting write-off in the caller's name; nobody approves their own request."""
    return _write_off(workplace.approve_write_off(session, principal, write_off_id, note=body.note))


@router.post("/write-offs/{write_off_id}/reject", response_model=WriteOff)
def reject_write_off(
    write_off_id: RowId, body: WriteOffRejection, session: Db, principal: Writer
) -> WriteOff:
    """Refuse a waiting write-off: the amount stays open."""
    return _write_off(workplace.reject_write_off(session, principal, write_off_id, note=body.note))


async def read_upload(request: Request, file: UploadFile) -> bytes:
    """The file's bytes, refusing a file over the limit without reading more than the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES + ENVELOPE_BYTES:
        raise FileTooLarge(int(declared))
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileTooLarge()
    return data


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def policy_of(request: Request) -> SettlementPolicy:
    return load_policy(settings_of(request).write_off_policy)


def tolerances_of(request: Request) -> Tolerances:
    return Tolerances(settings_of(request).cashapp_write_off_limits)


def _write_off(view: WriteOffView) -> WriteOff:
    return WriteOff.model_validate(view.to_dict())
