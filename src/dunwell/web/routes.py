"""Signing in and out, and the health check: the only pages that answer without a session."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.access.signin import SESSION_LIFETIME, sign_in, sign_out
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError
from dunwell.kit.db import ping
from dunwell.kit.http import current_principal, db_session, page, require_csrf
from dunwell.reporting.views import dashboard_context
from dunwell.web.charts import line_chart

router = APIRouter(include_in_schema=False)
SESSION_COOKIE = "dunwell_session"
LOGIN_CSRF_COOKIE = "dunwell_login_csrf"


@router.get("/health")
def health(session: Annotated[Session, Depends(db_session, scope="function")]) -> JSONResponse:
    ping(session)
    return JSONResponse({"status": "ok"})


@router.get("/")
def home(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    as_of: date | None = None,
    currency: str | None = None,
    entity: str | None = None,
) -> Response:
    """The dashboard: the reporting module's figures of the reader's portfolio, its trend drawn
    here (charts belong to the web layer, which the modules below may not import)."""
    locale = getattr(request.state, "locale", "en_US")
    context = dashboard_context(
        session, principal, as_of=as_of, currency=currency or None, entity=entity or None, locale=locale
    )
    labels = context["trend_labels"]
    days_chart = line_chart(labels, context["trend_days"], title="DSO, countback, BPDSO and ADD (days)")
    percent_chart = line_chart(labels, context["trend_percent"], title="CEI and % current", unit="%")
    return page(
        request,
        "home.html",
        principal,
        nav="dashboard",
        days_chart=days_chart,
        percent_chart=percent_chart,
        **context,
    )


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)  # double-submit: the form's token must match this cookie
    response = page(request, "login.html", None, login_csrf=token, next=_safe(next), error=None)
    _login_cookie(response, request, token)
    return response


@router.post("/login")
def login(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    login: Annotated[str, Form()],
    password: Annotated[str, Form()],
    login_csrf: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, login_csrf):
        return _login_again(request, next, "The sign-in form expired: please try again.", 403)
    client = request.client.host if request.client else None
    try:
        started = sign_in(session, login, password, client=client)
    except DunwellError as exc:
        session.commit()  # the failed attempt counts towards the throttle
        return _login_again(request, next, exc.message, 429 if exc.code == "too_many_attempts" else 401)
    response = RedirectResponse(_safe(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.session_id,
        httponly=True,
        samesite="lax",
        secure=_https(request),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    _csrf: Annotated[None, Depends(require_csrf)],
) -> Response:
    """Anyone signed in may sign out (a viewer too), with the session's CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sign_out(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _login_again(request: Request, next: str, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request, "login.html", None, status=status, login_csrf=token, next=_safe(next), error=error
    )
    _login_cookie(response, request, token)
    return response


def _login_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_https(request),
        max_age=3600,
        path="/login",
    )


def _safe(target: str) -> str:
    """Only a path of this site: never an open redirect to another one."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
