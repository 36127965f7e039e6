"""The application: the REST API under ``/api/v1`` and the web pages at ``/``, one FastAPI app.

Who is asking is resolved here, at the edge, once per request: a bearer token (scripts) or the
signed-in session cookie (people), into a ``Principal`` that every service checks. One request is
one transaction. Every response carries the security headers; nothing answers without sign-in but
``/health``, ``/login`` and ``/static``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dunwell import __version__
from dunwell.access import endpoints as access_endpoints
from dunwell.access.repository import AccessRepository
from dunwell.access.signin import session_principal, token_principal
from dunwell.config import Settings, get_settings
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit.db import create_db_engine, session_factory, unit_of_work
from dunwell.kit.http import TEMPLATES_DIR, current_principal, db_session, page
from dunwell.web import routes as web_routes
from dunwell.web.routers import API_ROUTERS, WEB_ROUTERS

SESSION_COOKIE = "dunwell_session"
STATUS_BY_KIND = {
    ErrorKind.INVALID: 400,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.THROTTLED: 429,
}
SECURITY_HEADERS = {
    # No inline script or style anywhere: HTMX and the stylesheet are files of our own.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class NotSignedIn(Exception):
    """A page asked for without a live session: the person is sent to sign in."""


class SecurityHeaders:
    """The security headers on every response (plain ASGI: Starlette's ``BaseHTTPMiddleware``
    runs each request in an extra task and stream, a cost every page paid)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
                if https and "set-cookie" in headers and "strict-transport-security" not in headers:
                    headers.append("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, secured)


class ServerTiming:
    """``Server-Timing: app;dur=<ms>`` on every response: the time from the request's arrival to the
    response's headers, so a benchmark (bench/app_bench.py) or the browser's devtools can tell the
    server's share of a page's time from the network's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                MutableHeaders(scope=message).append("Server-Timing", f"app;dur={elapsed:.1f}")
            await send(message)

        await self.app(scope, receive, timed)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = create_db_engine(settings.database_url, echo=settings.echo_sql)
    sessions = session_factory(engine)

    def request_session() -> Iterator[Session]:
        with unit_of_work(sessions) as session:
            yield session

    app = FastAPI(title="Dunwell", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    api = FastAPI(
        title="Dunwell API",
        version=__version__,
        description="Accounts receivable: customers, invoices, predictions, cash application, "
        "collections records. Authenticate with `Authorization: Bearer <token>` (`dunwell tokens create`).",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.sessions = api.state.sessions = sessions
    app.state.engine = engine  # disposed by whoever made the app (tests) or at process exit
    app.state.settings = api.state.settings = settings
    for target in (app, api):
        target.dependency_overrides[db_session] = request_session
    api.dependency_overrides[current_principal] = _api_principal(sessions)
    app.dependency_overrides[current_principal] = _web_principal(sessions)
    for router in [*API_ROUTERS, access_endpoints.router]:
        api.include_router(router)
    app.include_router(web_routes.router)
    for router in WEB_ROUTERS:
        app.include_router(router)
    _errors(api, html=False)
    _errors(app, html=True)
    app.mount("/api/v1", api)
    app.mount("/static", StaticFiles(directory=str(TEMPLATES_DIR.parent / "static")), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ServerTiming)
    return app


def _api_principal(sessions: sessionmaker[Session]) -> Any:
    def resolve(request: Request) -> Principal:
        with unit_of_work(sessions) as session:
            header = request.headers.get("authorization", "")
            if header.lower().startswith("bearer "):
                principal = token_principal(session, header[7:].strip())
                request.state.csrf = None  # not a browser: no CSRF token to check
            else:
                found = _from_cookie(session, request)
                principal = found[0] if found else None
        if principal is None:
            raise DunwellError(
                "sign in or send `Authorization: Bearer <token>`",
                code="unauthenticated",
                kind=ErrorKind.FORBIDDEN,
            )
        return principal

    return resolve


def _web_principal(sessions: sessionmaker[Session]) -> Any:
    def resolve(request: Request) -> Principal:
        with unit_of_work(sessions) as session:
            found = _from_cookie(session, request)
        if found is None:
            raise NotSignedIn()
        return found[0]

    return resolve


def _from_cookie(session: Session, request: Request) -> tuple[Principal, str] | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    found = session_principal(session, cookie) if cookie else None
    if found is not None:
        request.state.csrf = found[1]
        user = AccessRepository(session).user(found[0].user_id) if found[0].user_id else None
        request.state.locale = user.locale if user else "en_US"
    return found


def _errors(app: FastAPI, *, html: bool) -> None:
    @app.exception_handler(DunwellError)
    async def business_error(request: Request, exc: DunwellError) -> Response:
        status = 401 if exc.code == "unauthenticated" else STATUS_BY_KIND.get(exc.kind, 400)
        if html:
            return page(request, "error.html", None, status=status, title=_title(status), message=exc.message)
        body = {"error": {"code": exc.code, "kind": exc.kind.value, "message": exc.message}}
        return JSONResponse(body, status_code=status)

    @app.exception_handler(NotSignedIn)
    async def sign_in_first(request: Request, exc: NotSignedIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={target}" if target != "/" else "/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if html:
            title = _title(exc.status_code)
            return page(
                request, "error.html", None, status=exc.status_code, title=title, message=str(exc.detail)
            )
        body = {"error": {"code": f"http_{exc.status_code}", "kind": "invalid", "message": str(exc.detail)}}
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in exc.errors()
        )
        if html:
            return page(request, "error.html", None, status=400, title="Check the form", message=problems)
        body = {"error": {"code": "invalid_request", "kind": "invalid", "message": problems}}
        return JSONResponse(body, status_code=422)


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg')}"


def _title(status: int) -> str:
    return {
        401: "Please sign in",
        403: "Not allowed",
        404: "Not found",
        409: "That conflicts with what is there",
        429: "Too many attempts",
    }.get(status, "Something went wrong")
