"""What every endpoint and page needs, without knowing the app: the request's database session
and principal (placeholders the app overrides, so modules never import the edge), the CSRF check,
and the templates with money and dates formatted for the reader's locale (Babel)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

from babel import Locale
from babel.dates import format_date, format_datetime
from fastapi import Depends, Request
from fastapi import Path as PathParam
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import HTMLResponse

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money, minor_to_decimal
from dunwell.kit.money_format import money_formatter, number_formatter

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "web" / "templates"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


def db_session() -> Iterator[Session]:
    """The request's session (one transaction per request; the app commits it). ``create_app``
    replaces this placeholder, so modules depend on ``kit`` and never on the app. Declare it as
    ``Depends(db_session, scope="function")``: FastAPI's default ends a ``yield`` dependency after
    the answer is sent, so a redirect could reach the browser before its writes are committed (and
    a failed commit would still have answered success)."""
    raise RuntimeError("kit.http.db_session is a placeholder: serve the router through create_app")
    yield  # a generator, like the dependency that replaces it


def current_principal() -> Principal:
    """Who is asking (signed in or a bearer token): a placeholder ``create_app`` replaces."""
    raise RuntimeError("kit.http.current_principal is a placeholder: serve the router through create_app")


def csrf_token(request: Request) -> str:
    """The signed-in session's CSRF token ("" for a bearer token: not a browser)."""
    return str(getattr(request.state, "csrf", ""))


async def require_csrf(request: Request) -> None:
    """A browser's state-changing request carries the session's token (a form field or the
    header HTMX sends); bearer-token requests are not a browser's and need none."""
    expected = getattr(request.state, "csrf", None)
    if expected is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent, expected):
        raise DunwellError(
            "the form expired or did not come from Dunwell: reload the page",
            code="csrf",
            kind=ErrorKind.FORBIDDEN,
        )


async def writer(request: Request, principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The principal of a request that changes something: signed in, allowed to write, and (for a
    browser) carrying the session's CSRF token."""
    await require_csrf(request)
    principal.require_write()
    return principal


@functools.lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    # Parsed once: a customer page formats a thousand amounts, and parsing the name each time was
    # a third of the page's rendering.
    return Locale.parse(name)


def money(minor: int | None, currency: str, locale: str = "en_US") -> str:
    if minor is None:
        return ""
    return money_formatter(currency, _locale(locale))(minor_to_decimal(minor, currency))


def amount(value: Decimal | float | int | str | None, locale: str = "en_US", digits: int = 1) -> str:
    """A figure (not money) for people: grouped, rounded to ``digits``; "–" for none or not a number."""
    if value is None or isinstance(value, bool):
        return "–"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        return "–"
    if not number.is_finite():
        return "–"
    return number_formatter(digits, _locale(locale))(number)


def day(value: date | datetime | str | None, locale: str = "en_US") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return format_datetime(value, format="medium", locale=_locale(locale))
    return _day(value, locale)


@functools.lru_cache(maxsize=65_536)
def _day(value: date, locale: str) -> str:
    # Kept: a page shows hundreds of dates drawn from a few hundred distinct days.
    return format_date(value, format="medium", locale=_locale(locale))


templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(default=True))
)
templates.env.filters["money"] = money
templates.env.filters["amount"] = amount
templates.env.filters["day"] = day


def page(
    request: Request, template: str, principal: Principal | None, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render ``template`` with what every page shows: who is signed in, the CSRF token, the locale."""
    locale = getattr(request.state, "locale", "en_US")
    shared = {"principal": principal, "csrf_token": csrf_token(request), "locale": locale}
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {**shared, **context}, status_code=status
    )
    return response


#: A database id in a path: positive and within BIGINT (a larger number is a 422, never a 500).
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, PathParam(ge=1, le=MAX_ROW_ID)]


class ErrorDetail(BaseModel):
    code: str
    kind: str
    message: str


class ApiError(BaseModel):
    """What every refusal of the API looks like: ``{"error": {"code", "kind", "message"}}``."""

    error: ErrorDetail


#: The refusals an operation may answer, documented for the contract (``responses=`` of a router).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ApiError, "description": text}
    for status, text in (
        (400, "Not valid (the message says why)."),
        (401, "Not signed in, or the token is unknown, expired or revoked."),
        (403, "Not allowed for this role."),
        (404, "Not found, or outside the caller's portfolio."),
        (409, "Conflicts with what is there."),
    )
}


def form_amount_minor(amount: str, currency: str) -> int:
    """An amount typed into a form ("1,250.00") in the currency's minor units; a clear error if it is none."""
    try:
        return Money.of(Decimal(amount.replace(",", "").strip()), currency).to_minor()
    except (InvalidOperation, ValueError) as exc:
        raise DunwellError(f"{amount!r} is not an amount", code="bad_amount", kind=ErrorKind.INVALID) from exc
