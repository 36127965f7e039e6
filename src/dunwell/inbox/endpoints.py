"""REST: the inbox's replies (what the principal may see), and accepting or rejecting one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.inbox import service
from dunwell.inbox.schemas import Reply, ReplyAccept, ReplyReject
from dunwell.kit.http import ERROR_RESPONSES, RowId, current_principal, db_session, writer

router = APIRouter(tags=["inbox"], responses=ERROR_RESPONSES)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]


@router.get("/replies", response_model=list[Reply])
def list_replies(
    principal: Reader,
    session: Db,
    state: Annotated[
        str | None, Query(description="suggested, accepted, rejected or applied_at_once")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[Reply]:
    """Suggestions waiting for a person first (stops that need a contact before the others), then
    decided ones, newest first; a collector's portfolio only."""
    return [Reply.of(r) for r in service.list_replies(session, principal, state, limit=limit)]


@router.get("/replies/{reply_id}", response_model=Reply)
def get_reply(reply_id: RowId, principal: Reader, session: Db) -> Reply:
    return Reply.of(service.reply(session, principal, reply_id))


@router.post("/replies/{reply_id}/accept", response_model=Reply)
def accept_reply(reply_id: RowId, body: ReplyAccept, principal: Writer, session: Db) -> Reply:
    """Do what the reply suggests; the reply's ``outcome`` names what was created."""
    return Reply.of(service.accept(session, principal, reply_id, body.edits()))


@router.post("/replies/{reply_id}/reject", response_model=Reply)
def reject_reply(reply_id: RowId, body: ReplyReject, principal: Writer, session: Db) -> Reply:
    return Reply.of(service.reject(session, principal, reply_id, body.reason))
