"""The email open pixel: public (a mail client loads it without signing in), answering the same
image whatever the token, and recording an open only for a token this deployment signed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from dunwell.kit.http import db_session
from dunwell.reminders.opens import PIXEL, record_open

router = APIRouter(include_in_schema=False)


@router.get("/o/{token}.gif")
def open_pixel(
    request: Request, token: str, session: Annotated[Session, Depends(db_session, scope="function")]
) -> Response:
    settings = request.app.state.settings
    if settings.track_opens and settings.tracking_secret and len(token) <= 60:
        record_open(session, token, settings.tracking_secret, at=datetime.now(UTC))
    # Never cached: a cached image records no reopen, and no proxy should keep it either.
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store, private"})
