"""The Approvals page (what waits for a person and why), a reminder's preview (the exact message,
its statement or letter as PDF, what happened to it, what the compliance guard says now) and the
manager's decisions: approve, edit the words, reject with a reason. Collectors and viewers read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.kit.http import RowId, current_principal, db_session, page, writer
from dunwell.orm.reminders import Reminder
from dunwell.reminders import listing, service
from dunwell.reminders.documents import letter_pdf, statement_pdf
from dunwell.reminders.guarding import guard

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]
#: The states a person can still decide on (approve, edit or reject), as the service allows.
DECIDABLE = {
    "approve": {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.UNCONFIRMED},
    "edit": {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.QUEUED},
    "reject": {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.UNCONFIRMED, ReminderStatus.QUEUED},
}
#: States the guard is asked about on the preview: those that may still be sent.
STILL_TO_SEND = {ReminderStatus.AWAITING_APPROVAL, ReminderStatus.QUEUED, ReminderStatus.UNCONFIRMED}


@router.get("/approvals")
def approvals_page(request: Request, principal: Reader, session: Db) -> Response:
    found = service.waiting(session, principal)
    return page(
        request,
        "dunning/approvals.html",
        principal,
        nav="approvals",
        waiting=found,
        names=listing.customer_names(session, {r.customer_id for r in found}),
        why=listing.approval_reasons,
    )


@router.get("/reminders/{reminder_id}")
def reminder_page(
    reminder_id: RowId, request: Request, principal: Reader, session: Db, edited: str = ""
) -> Response:
    return _preview(request, principal, session, reminder_id, just_edited=bool(edited))


@router.get("/reminders/{reminder_id}/document.pdf")
def reminder_document(reminder_id: RowId, principal: Reader, session: Db) -> Response:
    """The statement (or, for a letter, the letter) from the stored document: the same bytes as
    the sender attaches."""
    found = service.reminder(session, principal, reminder_id).reminder
    if not found.document.get("items"):
        raise DunwellError("this reminder has no statement", code="no_document", kind=ErrorKind.NOT_FOUND)
    render = letter_pdf if found.channel == "letter" else statement_pdf
    name = f"{'letter' if found.channel == 'letter' else 'statement'}-{found.id}.pdf"
    return Response(
        render(found.document),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.post("/reminders/{reminder_id}/approve")
def approve(
    reminder_id: RowId, principal: Writer, session: Db, note: Annotated[str, Form()] = ""
) -> Response:
    service.approve(session, principal, reminder_id, note=note)
    return RedirectResponse(f"/reminders/{reminder_id}", status_code=303)


@router.post("/reminders/{reminder_id}/reject")
def reject(
    reminder_id: RowId,
    request: Request,
    principal: Writer,
    session: Db,
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.reject(session, principal, reminder_id, reason=reason)
    except DunwellError as error:
        if error.code != "reason_required":
            raise
        return _preview(request, principal, session, reminder_id, error=error.message, status=400)
    return RedirectResponse(f"/reminders/{reminder_id}", status_code=303)


@router.post("/reminders/{reminder_id}/edit")
def edit(
    reminder_id: RowId,
    request: Request,
    principal: Writer,
    session: Db,
    subject: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.edit(session, principal, reminder_id, subject=subject, body=body)
    except DunwellError as error:
        if error.code not in {"blocked_by_guard", "empty_message"}:
            raise
        # The service changed the row before the guard refused it: nothing of it may be committed.
        session.rollback()
        typed = {"subject": subject, "body": body}
        return _preview(
            request, principal, session, reminder_id, error=error.message, draft=typed, status=400
        )
    # The remarks are kept on the edit's event, which the page shows after the redirect.
    return RedirectResponse(f"/reminders/{reminder_id}?edited=1#message", status_code=303)


def _preview(
    request: Request,
    principal: Principal,
    session: Session,
    reminder_id: int,
    *,
    error: str | None = None,
    draft: dict[str, str] | None = None,
    just_edited: bool = False,
    status: int = 200,
) -> Response:
    view = service.reminder(session, principal, reminder_id)
    found = view.reminder
    edits = [e for e in view.events if e.kind is ReminderEventKind.EDITED]
    decide = principal.is_manager and principal.can_write
    return page(
        request,
        "dunning/reminder.html",
        principal,
        status=status,
        nav="approvals",
        r=found,
        events=view.events,
        name=listing.customer_names(session, {found.customer_id}).get(found.customer_id, ""),
        why=listing.approval_reasons(found),
        guard_now=_guard_now(session, found),
        may={action: decide and found.status in states for action, states in DECIDABLE.items()},
        error=error,
        draft=draft or {"subject": found.subject, "body": found.body},
        saved=edits[-1].detail if just_edited and edits else None,
        document_name="Letter" if found.channel == "letter" else "Statement of account",
    )


def _guard_now(session: Session, found: Reminder) -> list[str] | None:
    """What the compliance guard would say to sending it now (None: it will not be sent any more)."""
    if found.status not in STILL_TO_SEND:
        return None
    decision = guard(session, found, datetime.now(UTC))
    return [f"{b.rule}: {b.reason}" for b in decision.blocked_by]
