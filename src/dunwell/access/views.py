"""The admin page (admins only): users, portfolio grants and API tokens. Secrets (a generated
password, a new token) are shown once, in the response to the form that made them; other changes
redirect back to the page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.access import users
from dunwell.access.signin import create_token, list_tokens, revoke_token
from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.http import current_principal, db_session, page, writer

router = APIRouter(include_in_schema=False)
Db = Annotated[Session, Depends(db_session, scope="function")]
Writer = Annotated[Principal, Depends(writer)]


@router.get("/admin")
def admin_page(
    request: Request, session: Db, principal: Annotated[Principal, Depends(current_principal)]
) -> Response:
    return _render(request, session, principal)


@router.post("/admin/users")
def add_user(
    request: Request,
    session: Db,
    principal: Writer,
    login: Annotated[str, Form()],
    name: Annotated[str, Form()],
    role: Annotated[UserRole, Form()],
    email: Annotated[str, Form()] = "",
) -> Response:
    principal.require_admin()
    password = users.generated_password()
    added = users.add_user(
        session, principal, login=login, name=name or login, role=role, password=password, email=email or None
    )
    return _render(request, session, principal, secret=("password", added.login, password))


@router.post("/admin/users/{login}/active")
def set_active(
    request: Request, session: Db, principal: Writer, login: str, active: Annotated[bool, Form()]
) -> Response:
    principal.require_admin()
    users.set_active(session, principal, login, active=active)
    return _back()


@router.post("/admin/users/{login}/password")
def set_password(
    request: Request, session: Db, principal: Writer, login: str, password: Annotated[str, Form()] = ""
) -> Response:
    """A typed password, or (left empty) a generated one shown once."""
    principal.require_admin()
    chosen = password or users.generated_password()
    users.set_password(session, principal, login, chosen)
    if password:
        return _back()
    return _render(request, session, principal, secret=("password", login, chosen))


@router.post("/admin/grants")
def change_grant(
    request: Request,
    session: Db,
    principal: Writer,
    grantee: Annotated[str, Form()],
    owner: Annotated[str, Form()],
    allow: Annotated[bool, Form()] = True,
) -> Response:
    principal.require_admin()
    if grantee == owner:
        raise DunwellError(
            "a collector already works their own customers", code="grant_self", kind=ErrorKind.INVALID
        )
    users.grant_portfolio(session, principal, grantee=grantee, owner=owner, allow=allow)
    return _back()


@router.post("/admin/tokens")
def issue_token(
    request: Request,
    session: Db,
    principal: Writer,
    login: Annotated[str, Form()],
    name: Annotated[str, Form()],
    days: Annotated[str, Form()] = "",
) -> Response:
    principal.require_admin()
    lifetime = _days(days)
    issued = create_token(session, principal, name=name.strip(), login=login, days=lifetime)
    return _render(request, session, principal, secret=("token", f"{login} · {issued.name}", issued.token))


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(request: Request, session: Db, principal: Writer, token_id: int) -> Response:
    principal.require_admin()
    revoke_token(session, principal, token_id)
    return _back()


def _render(
    request: Request, session: Session, principal: Principal, *, secret: tuple[str, str, str] | None = None
) -> Response:
    principal.require_admin()
    context: dict[str, Any] = {
        "users": users.list_users(session, principal),
        "grants": users.list_grants(session, principal),
        "tokens": list_tokens(session, principal),
        "roles": [role.value for role in UserRole],
        "secret": secret,
    }
    response = page(request, "access/admin.html", principal, nav="admin", **context)
    if secret is not None:
        response.headers["Cache-Control"] = "no-store"  # shown once: not kept in any cache
    return response


def _back() -> Response:
    return RedirectResponse("/admin", status_code=303)


def _days(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or not 1 <= int(text) <= 3650:
        raise DunwellError(
            "a token lasts 1 to 3650 days (or leave it empty: no expiry)",
            code="invalid_days",
            kind=ErrorKind.INVALID,
        )
    return int(text)
