"""REST: the day's worklist of the collectors the caller may see."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.kit.http import ERROR_RESPONSES, current_principal, db_session
from dunwell.worklist.policy import WorklistPolicy
from dunwell.worklist.schemas import WorklistOut
from dunwell.worklist.service import worklist

router = APIRouter(tags=["worklist"], responses=ERROR_RESPONSES)
Reader = Annotated[Principal, Depends(current_principal)]
Db = Annotated[Session, Depends(db_session, scope="function")]
#: Days a plan can be made for (a day outside has no day before it, or after it, to read).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def today() -> date:
    return date.today()  # noqa: DTZ011 - the book's own day


@router.get("/worklist", response_model=WorklistOut)
def get_worklist(
    request: Request,
    principal: Reader,
    session: Db,
    as_of: Annotated[
        date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="The day planned (default today)")
    ] = None,
    collector: Annotated[
        str | None, Query(max_length=120, description="Only this collector's queue (login)")
    ] = None,
) -> WorklistOut:
    """Per collector: customers ranked by the extra cash a contact today is expected to bring per minute,
    within their minutes, and the customers left out with the reason. Read from what was recorded by the
    end of the day before ``as_of``."""
    policy = WorklistPolicy.from_settings(request.app.state.settings)
    found = worklist(session, principal, as_of=as_of or today(), policy=policy, collector=collector)
    return WorklistOut.of(found)
