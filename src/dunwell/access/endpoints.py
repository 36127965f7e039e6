"""REST: who am I, and my API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy.orm import Session

from dunwell.access.signin import create_token, revoke_token
from dunwell.core.access import Principal
from dunwell.kit.http import current_principal, db_session, writer

router = APIRouter(tags=["access"])


class Me(BaseModel):
    actor: str
    role: str
    user_id: int | None
    portfolio: list[int] | None


class TokenCreate(BaseModel):
    name: str
    days: int | None = None


class TokenIssued(BaseModel):
    id: int
    name: str
    token: str
    expires_at: datetime | None


@router.get("/me", response_model=Me)
def me(principal: Annotated[Principal, Depends(current_principal)]) -> Me:
    """Who the request speaks for, their role and portfolio (owner ids; null: every customer)."""
    portfolio = None if principal.portfolio is None else sorted(principal.portfolio)
    return Me(
        actor=principal.actor, role=principal.role.value, user_id=principal.user_id, portfolio=portfolio
    )


@router.post("/tokens", response_model=TokenIssued, status_code=201)
def issue_token(
    body: TokenCreate,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session)],
) -> TokenIssued:
    """A new token for yourself; the token is in this response only (it is stored hashed)."""
    issued = create_token(session, principal, name=body.name, days=body.days)
    return TokenIssued(id=issued.id, name=issued.name, token=issued.token, expires_at=issued.expires_at)


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(
    token_id: int,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session)],
) -> None:
    """Revoke one of your tokens (an admin: anyone's); it stops working at once."""
    revoke_token(session, principal, token_id)
