"""The Inbox page: customers' replies as read, each with the customer it was tied to (and how),
the words that decided what it says, the dates and amounts found in it, and the suggestion a person
accepts in one click (a promise recorded, a dispute opened, a hold until an absent contact's
return, a contact corrected) or rejects with a reason. Stops were honoured when they arrived: the
page shows them as done. Collectors see their portfolio's replies; unlinked ones are for managers,
who link them by accepting with the customer's id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.inbox import ReplyState
from dunwell.inbox import service
from dunwell.inbox.acting import ReplyEdits
from dunwell.kit.http import RowId, current_principal, db_session, page, writer
from dunwell.reminders import listing

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]
#: The page's filters: what waits for a person first, then everything.
STATES = ("suggested", "accepted", "rejected", "applied_at_once", "all")


@router.get("/inbox")
def inbox_page(request: Request, principal: Reader, session: Db, state: str = "suggested") -> Response:
    wanted = state if state in STATES else "suggested"
    found = service.list_replies(session, principal, None if wanted == "all" else wanted)
    return page(
        request,
        "inbox/inbox.html",
        principal,
        nav="inbox",
        replies=found,
        state=wanted,
        states=STATES,
        names=listing.customer_names(session, {r.customer_id for r in found if r.customer_id}),
        suggested=ReplyState.SUGGESTED,
    )


@router.post("/inbox/{reply_id}/accept")
def accept(
    reply_id: RowId,
    principal: Writer,
    session: Db,
    customer_id: Annotated[str, Form()] = "",
    contact_id: Annotated[str, Form()] = "",
) -> Response:
    edits = ReplyEdits(customer_id=_number(customer_id), contact_id=_number(contact_id))
    service.accept(session, principal, reply_id, edits)
    return RedirectResponse(f"/inbox#reply-{reply_id}", status_code=303)


@router.post("/inbox/{reply_id}/reject")
def reject(reply_id: RowId, principal: Writer, session: Db, reason: Annotated[str, Form()] = "") -> Response:
    service.reject(session, principal, reply_id, reason)
    return RedirectResponse(f"/inbox#reply-{reply_id}", status_code=303)


def _number(text: str) -> int | None:
    """A form's optional id: empty is none, else a whole number."""
    stripped = text.strip()
    if not stripped:
        return None
    if not stripped.isdigit():
        raise DunwellError(
            f"an id is a whole number, not {stripped!r}", code="bad_id", kind=ErrorKind.INVALID
        )
    return int(stripped)
