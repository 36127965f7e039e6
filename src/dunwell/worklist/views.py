"""The Today page: a collector's ranked list for the day with one-click actions (log the call's
outcome, record a promise, add a hold, open a dispute: the collections services, as on the customer
page), the day's progress, and for managers every collector's queue, capacity and results."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.collections import disputes
from dunwell.collections import service as collections
from dunwell.core.access import Principal
from dunwell.core.collections import DisputeCategory, HoldReason, TouchOutcome, TouchTone
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.http import RowId, current_principal, db_session, form_amount_minor, page, writer
from dunwell.worklist.endpoints import FIRST_DAY, LAST_DAY, today
from dunwell.worklist.policy import WorklistPolicy
from dunwell.worklist.repository import call_tasks
from dunwell.worklist.service import worklist

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]
#: The outcomes a collector picks from after a call or a message, most frequent first.
OUTCOMES = (
    "conversation",
    "promise",
    "no_answer",
    "left_message",
    "sent",
    "refused",
    "dispute",
    "wrong_number",
)


def _day(value: str | None) -> date:
    if not value:
        return today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DunwellError(
            f"{value!r} is not a day (YYYY-MM-DD)", code="bad_day", kind=ErrorKind.INVALID
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DunwellError(f"{value} is out of range", code="bad_day", kind=ErrorKind.INVALID)
    return day


@router.get("/today")
def today_page(
    request: Request, principal: Reader, session: Db, as_of: str | None = None, collector: str | None = None
) -> Response:
    day = _day(as_of)
    policy = WorklistPolicy.from_settings(request.app.state.settings)
    team = principal.portfolio is None and not collector
    found = worklist(
        session, principal, as_of=day, policy=policy, collector=collector or None, details=not team
    )
    return page(
        request,
        "worklist/team.html" if team else "worklist/today.html",
        principal,
        nav="today",
        found=found,
        day=day,
        is_today=day == today(),
        can_write=principal.can_write and day == today(),
        previous=(day - timedelta(days=1)).isoformat(),
        following=(day + timedelta(days=1)).isoformat(),
        collector=collector or "",
        outcomes=OUTCOMES,
        tones=[t.value for t in TouchTone],
        reasons=[r.value for r in HoldReason],
        categories=[c.value for c in DisputeCategory],
        call_tasks=[] if team else call_tasks(session, day, principal.portfolio),
        hold_until=(day + timedelta(days=14)).isoformat(),
        promise_by=(day + timedelta(days=7)).isoformat(),
    )


def _back(collector: str, customer_id: int) -> Response:
    query = urlencode({"collector": collector}) if collector else ""
    return RedirectResponse(f"/today{'?' + query if query else ''}#c{customer_id}", status_code=303)


@router.post("/today/customers/{customer_id}/touch")
def log_outcome(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    channel: Annotated[str, Form()],
    outcome: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    tone: Annotated[str, Form()] = "",
    collector: Annotated[str, Form()] = "",
) -> Response:
    if outcome not in {o.value for o in TouchOutcome}:
        raise DunwellError(f"no outcome {outcome!r}", code="bad_outcome", kind=ErrorKind.INVALID)
    data = collections.TouchInput(
        channel=channel, direction="outbound", outcome=outcome, note=note, tone=tone or None
    )
    collections.log_touch(session, principal, customer_id, data)
    return _back(collector, customer_id)


@router.post("/today/customers/{customer_id}/promise")
def record_promise(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    promised_date: Annotated[date, Form()],
    amount: Annotated[str, Form()],
    currency: Annotated[str, Form()],
    collector: Annotated[str, Form()] = "",
) -> Response:
    data = collections.PromiseInput(
        promised_date=promised_date, amount_minor=form_amount_minor(amount, currency), currency=currency
    )
    collections.record_promise(session, principal, customer_id, data)
    return _back(collector, customer_id)


@router.post("/today/customers/{customer_id}/hold")
def add_hold(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    reason: Annotated[str, Form()],
    ends_on: Annotated[date, Form()],
    note: Annotated[str, Form()] = "",
    collector: Annotated[str, Form()] = "",
) -> Response:
    collections.add_hold(
        session, principal, customer_id, collections.HoldInput(reason, today(), ends_on, note)
    )
    return _back(collector, customer_id)


@router.post("/today/customers/{customer_id}/dispute")
def open_dispute(
    customer_id: RowId,
    principal: Writer,
    session: Db,
    category: Annotated[str, Form()],
    amount: Annotated[str, Form()],
    currency: Annotated[str, Form()],
    description: Annotated[str, Form()] = "",
    collector: Annotated[str, Form()] = "",
) -> Response:
    data = disputes.DisputeInput(
        category=category,
        amount_minor=form_amount_minor(amount, currency),
        currency=currency,
        description=description,
    )
    disputes.open_dispute(session, principal, customer_id, data, today=today())
    return _back(collector, customer_id)
