"""The cash application workplace (``/cash``): the review queue with its actions, statement
uploads, "run matching now", and the write-offs waiting for approval.

Every action is a plain form (it works without JavaScript: the answer is a redirect back to the
queue) that HTMX enhances: the row of the payment or write-off is swapped for what it is now. A
refused action inside an HTMX swap is shown in its row (HTMX swaps no error responses) after the
request's work is rolled back; without HTMX it is the error page with its status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import NumberFormatError, parse_decimal
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.cashapp import workplace
from dunwell.cashapp.endpoints import policy_of, read_upload, tolerances_of
from dunwell.cashapp.repository import CashAppRepository
from dunwell.cashapp.workplace import MAX_UPLOAD_BYTES, FileTooLarge, SplitLine
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.http import current_principal, db_session, page, writer

router = APIRouter(include_in_schema=False)
Db = Annotated[Session, Depends(db_session, scope="function")]
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]


@router.get("/cash")
def workplace_page(
    request: Request,
    session: Db,
    principal: Reader,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> Response:
    found = workplace.queue(session, principal, page=page_number)
    waiting = workplace.pending_write_offs(session, principal)
    return page(
        request,
        "cashapp/workplace.html",
        principal,
        nav="cash",
        queue=found,
        write_offs=waiting,
        own_write_offs={w.id for w in waiting if workplace.proposed_by(w, principal)},
        today=datetime.now(UTC).date(),
        max_upload_mb=MAX_UPLOAD_BYTES // 1024 // 1024,
    )


@router.post("/cash/matches/{match_id}/confirm")
def confirm(
    request: Request, match_id: int, session: Db, principal: Writer, candidate: Annotated[int, Form(ge=0)] = 0
) -> Response:
    def act() -> str:
        decision = workplace.confirm_match(
            session, principal, match_id, candidate=candidate, policy=policy_of(request)
        )
        return f"Confirmed: {len(decision.allocation_ids)} allocation(s) posted in your name."

    return _on_match(request, session, principal, match_id, act)


@router.post("/cash/matches/{match_id}/reject")
def reject(
    request: Request,
    match_id: int,
    session: Db,
    principal: Writer,
    candidate: Annotated[int, Form(ge=0)] = 0,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    def act() -> str:
        workplace.reject_match(session, principal, match_id, candidate=candidate, reason=reason)
        return "Rejected: those documents will not be proposed for this payment again."

    return _on_match(request, session, principal, match_id, act)


@router.get("/cash/payments/{payment_id}/split")
def split_form(request: Request, payment_id: int, session: Db, principal: Reader) -> Response:
    principal.require_write()
    item, choices = workplace.split_choices(session, principal, payment_id)
    template = "cashapp/_split.html" if _htmx(request) else "cashapp/split.html"
    return page(request, template, principal, nav="cash", item=item, choices=choices)


@router.post("/cash/payments/{payment_id}/split")
async def split(request: Request, payment_id: int, session: Db, principal: Writer) -> Response:
    form = await request.form()
    locale = getattr(request.state, "locale", "en_US")
    match = CashAppRepository(session).matches_for([payment_id]).get(payment_id)

    def act() -> str:
        lines = _split_lines(session, payment_id, form.multi_items(), locale)
        result = workplace.split(session, principal, payment_id, lines)
        return f"Split: {len(result.allocation_ids)} allocation(s) posted in your name."

    if match is None:
        act()  # no match to show a row for: a plain refusal (or a redirect once done)
        return RedirectResponse("/cash", status_code=303)
    return _on_match(request, session, principal, match.id, act)


@router.post("/cash/statements")
async def upload(
    request: Request,
    session: Db,
    principal: Writer,
    file: Annotated[UploadFile, File()],
    entity: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    try:
        data = await read_upload(request, file)
        result = workplace.upload_statement(
            session, principal, data=data, filename=file.filename, entity_code=entity
        )
    except DunwellError as exc:
        session.rollback()  # nothing of a refused file stays (not even an account learned)
        status = 413 if isinstance(exc, FileTooLarge) else _status(exc)
        return page(
            request,
            "cashapp/upload.html",
            principal,
            status=status,
            nav="cash",
            result=None,
            error=exc.message,
            filename=file.filename,
        )
    return page(
        request,
        "cashapp/upload.html",
        principal,
        nav="cash",
        result=result,
        error=None,
        filename=file.filename,
    )


@router.post("/cash/run")
def run(
    request: Request, session: Db, principal: Writer, as_of: Annotated[date | None, Form()] = None
) -> Response:
    summary = workplace.run_now(
        session,
        principal,
        as_of=as_of or datetime.now(UTC).date(),
        tolerances=tolerances_of(request),
        policy=policy_of(request),
    )
    template = "cashapp/_run.html" if _htmx(request) else "cashapp/run.html"
    return page(request, template, principal, nav="cash", summary=summary)


@router.post("/cash/write-offs/{write_off_id}/approve")
def approve_write_off(
    request: Request,
    write_off_id: int,
    session: Db,
    principal: Writer,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    def act() -> str:
        workplace.approve_write_off(session, principal, write_off_id, note=note)
        return "Approved and posted."

    return _on_write_off(request, session, principal, write_off_id, act)


@router.post("/cash/write-offs/{write_off_id}/reject")
def reject_write_off(
    request: Request,
    write_off_id: int,
    session: Db,
    principal: Writer,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    def act() -> str:
        workplace.reject_write_off(session, principal, write_off_id, note=note)
        return "Refused: the amount stays open."

    return _on_write_off(request, session, principal, write_off_id, act)


def _on_match(
    request: Request, session: Session, principal: Principal, match_id: int, act: Callable[[], str]
) -> Response:
    """Do ``act``; answer HTMX with the payment's row as it is now, anyone else with the queue."""
    if not _htmx(request):
        act()
        return RedirectResponse("/cash", status_code=303)
    message, error = _attempt(session, act)
    item = workplace.queue_item(session, principal, match_id)
    return page(
        request, "cashapp/_row.html", principal, item=item, match_id=match_id, message=message, error=error
    )


def _on_write_off(
    request: Request, session: Session, principal: Principal, write_off_id: int, act: Callable[[], str]
) -> Response:
    if not _htmx(request):
        act()
        return RedirectResponse("/cash", status_code=303)
    message, error = _attempt(session, act)
    waiting = {w.id: w for w in workplace.pending_write_offs(session, principal)}
    found = waiting.get(write_off_id)
    own = found is not None and workplace.proposed_by(found, principal)
    return page(
        request,
        "cashapp/_write_off.html",
        principal,
        w=found,
        write_off_id=write_off_id,
        own=own,
        message=message,
        error=error,
    )


def _attempt(session: Session, act: Callable[[], str]) -> tuple[str | None, str | None]:
    """(message, None) when done; (None, why) when refused, with the request's work rolled back."""
    try:
        return act(), None
    except DunwellError as exc:
        session.rollback()
        return None, exc.message


def _split_lines(
    session: Session, payment_id: int, fields: list[tuple[str, Any]], locale: str
) -> list[SplitLine]:
    """The form's lines: ``invoice_id``/``amount`` pairs for the documents offered, ``number``/
    ``number_amount`` pairs for others typed by number; a line with no amount is skipped."""
    ids = [str(v) for k, v in fields if k == "invoice_id"]
    amounts = [str(v) for k, v in fields if k == "amount"]
    numbers = [str(v).strip() for k, v in fields if k == "number"]
    number_amounts = [str(v) for k, v in fields if k == "number_amount"]
    lines = [(i, a) for i, a in zip(ids, amounts, strict=False) if a.strip()]
    typed = [(n, a) for n, a in zip(numbers, number_amounts, strict=False) if n and a.strip()]
    if typed:
        repo = CashAppRepository(session)
        payment = repo.payment(payment_id)
        known = repo.invoice_ids_by_number(payment.entity_id, [n for n, _ in typed]) if payment else {}
        missing = [n for n, _ in typed if n not in known]
        if missing:
            raise DunwellError(
                f"no document {', '.join(missing)}", code="invoice_not_found", kind=ErrorKind.NOT_FOUND
            )
        lines += [(str(known[n]), a) for n, a in typed]
    return [SplitLine(int(i), _decimal(a, locale)) for i, a in lines if i.isdigit()]


def _decimal(text: str, locale: str) -> Decimal:
    try:
        return parse_decimal(text.strip(), locale=locale)
    except NumberFormatError as exc:
        raise DunwellError(
            f"{text!r} is not an amount", code="split_invalid", kind=ErrorKind.INVALID
        ) from exc


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _status(exc: DunwellError) -> int:
    return {ErrorKind.FORBIDDEN: 403, ErrorKind.NOT_FOUND: 404, ErrorKind.CONFLICT: 409}.get(exc.kind, 400)
