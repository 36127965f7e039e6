"""The Dunning page (a day's planned reminders, the skips with their reasons, what was sent lately)
with the manager's two buttons, Plan today and Send due now; and the reminders section of the
customer page, which that page loads from here (the customer page is the collections module's, a
layer below this one, so it cannot call into reminders: its template asks for this fragment)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.kit.audit import record
from dunwell.kit.db import unit_of_work
from dunwell.kit.http import RowId, current_principal, db_session, page, writer
from dunwell.reminders import listing, service

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]
#: What one click sends at most: the page waits for the sender, so a large backlog is left to the
#: next click or the scheduled `dunwell dunning send`.
SEND_LIMIT = 200
#: The figures a Plan or Send click reports back through the redirect (only these are shown).
PLAN_FIGURES = ("written", "already", "skipped")
SEND_FIGURES = ("sent", "deferred", "blocked", "retried", "failed", "unconfirmed")


@router.get("/dunning")
def dunning_page(request: Request, principal: Reader, session: Db, day: str | None = None) -> Response:
    shown = listing.parse_day(day)
    planned = listing.reminders(session, principal, day=shown)
    skipped = listing.skips(session, principal, shown)
    outcomes = listing.recent_outcomes(session, principal)
    ids = {r.customer_id for r in planned} | {s.customer_id for s in skipped}
    ids |= {o.reminder.customer_id for o in outcomes}
    return page(
        request,
        "dunning/day.html",
        principal,
        nav="dunning",
        day=shown,
        is_today=shown == listing.today(),
        previous=(shown - timedelta(days=1)).isoformat(),
        following=(shown + timedelta(days=1)).isoformat(),
        planned=planned,
        skip_groups=listing.skips_by_code(skipped),
        skip_count=len(skipped),
        outcomes=outcomes,
        names=listing.customer_names(session, ids),
        plan_report=_figures(request, PLAN_FIGURES),
        send_report=_figures(request, SEND_FIGURES),
    )


@router.post("/dunning/plan")
def plan_today(request: Request, principal: Writer, session: Db) -> Response:
    principal.require_manager()
    outcome = service.plan_day(session, principal, request.app.state.settings, as_of=listing.today())
    summary = outcome.summary()
    figures = {
        "written": summary["reminders_written"],
        "already": summary["already_planned"],
        "skipped": summary["skipped_customers"],
    }
    return RedirectResponse(f"/dunning?{_query(figures)}", status_code=303)


@router.post("/dunning/send")
def send_due_now(request: Request, principal: Writer) -> Response:
    """Runs the sender with the app's own session factory, outside any request transaction: the
    sender commits each reminder in its own small transactions (and on SQLite an open request
    transaction would lock it out)."""
    principal.require_manager()
    sessions = request.app.state.sessions
    report = service.send(sessions, request.app.state.settings, limit=SEND_LIMIT)
    with unit_of_work(sessions) as session:
        # The sender audits every reminder; this says who asked for the run and what it did.
        record(
            session,
            actor=principal.actor,
            action="reminder.send_run",
            subject_type="dunning_send",
            subject_id=datetime.now(UTC).isoformat(timespec="seconds"),
            details=report.as_dict(),
        )
    figures = {name: getattr(report, name) for name in SEND_FIGURES}
    return RedirectResponse(f"/dunning?{_query(figures)}", status_code=303)


@router.get("/customers/{customer_id}/reminders")
def customer_reminders(customer_id: RowId, request: Request, principal: Reader, session: Db) -> Response:
    """The section the customer page loads (HTMX), or a page of its own without JavaScript."""
    sent, skipped = listing.for_customer(session, principal, customer_id)
    fragment = bool(request.headers.get("HX-Request"))
    return page(
        request,
        "dunning/_customer.html" if fragment else "dunning/customer.html",
        principal,
        nav="customers",
        customer_id=customer_id,
        name=listing.customer_names(session, {customer_id}).get(customer_id, ""),
        reminders=sent,
        skips=skipped,
    )


def _figures(request: Request, names: tuple[str, ...]) -> dict[str, int]:
    """The counts a redirect carried; nothing unless every one is there and a number."""
    values = [request.query_params.get(name, "") for name in names]
    if not all(v.isdigit() for v in values):
        return {}
    return {name: int(v) for name, v in zip(names, values, strict=True)}


def _query(figures: dict[str, int]) -> str:
    return "&".join(f"{name}={value}" for name, value in figures.items())
