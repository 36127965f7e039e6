"""REST: who am I, API tokens, and (admins) users and portfolio grants."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dunwell.access import users
from dunwell.access.signin import create_token, list_tokens, revoke_token
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.kit.http import ERROR_RESPONSES, current_principal, db_session, writer

router = APIRouter(tags=["access"], responses=ERROR_RESPONSES)
#: A login as it can appear in a path (no control characters, no slash).
Login = Annotated[str, Path(pattern=r"^[^\x00-\x1f/]{1,120}$")]


class Me(BaseModel):
    actor: str
    role: str
    user_id: int | None
    portfolio: list[int] | None


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    days: int | None = Field(default=None, ge=1, le=3650, description="Days valid; null: no expiry.")


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
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> TokenIssued:
    """A new token for yourself; the token is in this response only (it is stored hashed)."""
    issued = create_token(session, principal, name=body.name, days=body.days)
    return TokenIssued(id=issued.id, name=issued.name, token=issued.token, expires_at=issued.expires_at)


@router.delete("/tokens/{token_id}", status_code=204)
def delete_token(
    token_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> None:
    """Revoke one of your tokens (an admin: anyone's); it stops working at once."""
    revoke_token(session, principal, token_id)


class TokenListed(BaseModel):
    id: int
    login: str
    name: str
    prefix: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    live: bool


class UserOut(BaseModel):
    id: int
    login: str
    name: str
    email: str | None
    role: str
    active: bool
    can_sign_in: bool
    locale: str


class UserCreate(BaseModel):
    login: str
    name: str
    role: UserRole
    email: str | None = None
    locale: str = "en_US"
    #: Leave out to have one generated (returned once, in the response).
    password: str | None = None


class PasswordSet(BaseModel):
    password: str | None = None


class UserWithPassword(BaseModel):
    user: UserOut
    #: The password to hand over, shown in this response only (null when you chose it).
    password: str | None


class GrantChange(BaseModel):
    grantee: str
    owner: str
    allow: bool = True


class GrantOut(BaseModel):
    grantee: str
    owner: str
    granted_by: str
    granted_at: str


@router.get("/tokens", response_model=list[TokenListed])
def get_tokens(
    principal: Annotated[Principal, Depends(current_principal)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> list[TokenListed]:
    """Your tokens (an admin: everyone's), without their secrets."""
    return [
        TokenListed(**{name: getattr(t, name) for name in TokenListed.model_fields})
        for t in list_tokens(session, principal)
    ]


@router.post("/users/{login}/tokens", response_model=TokenIssued, status_code=201)
def issue_token_for(
    login: Login,
    body: TokenCreate,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> TokenIssued:
    """A token for someone else (admins only); shown in this response only."""
    principal.require_admin()
    issued = create_token(session, principal, name=body.name, login=login, days=body.days)
    return TokenIssued(id=issued.id, name=issued.name, token=issued.token, expires_at=issued.expires_at)


@router.get("/users", response_model=list[UserOut])
def get_users(
    principal: Annotated[Principal, Depends(current_principal)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> list[UserOut]:
    """Every user (admins only)."""
    principal.require_admin()
    return [UserOut(**u.to_dict()) for u in users.list_users(session, principal)]


@router.post("/users", response_model=UserWithPassword, status_code=201)
def add_user(
    body: UserCreate,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> UserWithPassword:
    """Add a user with a role (admins only); without a password, one is generated and returned once."""
    generated = users.generated_password() if body.password is None else None
    added = users.add_user(
        session,
        principal,
        login=body.login,
        name=body.name,
        role=body.role,
        password=body.password or generated or "",
        email=body.email,
        locale=body.locale,
    )
    return UserWithPassword(user=UserOut(**added.to_dict()), password=generated)


@router.post("/users/{login}/disable", response_model=UserOut)
def disable_user(
    login: Login,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> UserOut:
    """Disable a user: their sessions end and tokens stop working at once (admins only)."""
    return UserOut(**users.set_active(session, principal, login, active=False).to_dict())


@router.post("/users/{login}/enable", response_model=UserOut)
def enable_user(
    login: Login,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> UserOut:
    """Let a disabled user sign in again (admins only)."""
    return UserOut(**users.set_active(session, principal, login, active=True).to_dict())


@router.post("/users/{login}/password", response_model=UserWithPassword)
def set_password(
    login: Login,
    body: PasswordSet,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> UserWithPassword:
    """Set a user's password (admins only); without one, a generated password is returned once."""
    principal.require_admin()
    generated = users.generated_password() if not body.password else None
    changed = users.set_password(session, principal, login, body.password or generated or "")
    return UserWithPassword(user=UserOut(**changed.to_dict()), password=generated)


@router.get("/grants", response_model=list[GrantOut])
def get_grants(
    principal: Annotated[Principal, Depends(current_principal)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> list[GrantOut]:
    """Who may also work whose customers (admins only)."""
    principal.require_admin()
    return [GrantOut(**g) for g in users.list_grants(session, principal)]


@router.post("/grants", response_model=list[GrantOut])
def change_grant(
    body: GrantChange,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
) -> list[GrantOut]:
    """Let ``grantee`` also work ``owner``'s customers, or (``allow: false``) take that back (admins only)."""
    principal.require_admin()
    users.grant_portfolio(session, principal, grantee=body.grantee, owner=body.owner, allow=body.allow)
    return [GrantOut(**g) for g in users.list_grants(session, principal)]
