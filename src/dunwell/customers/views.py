"""Pages: the customer list (search, filters, sort, pages; HTMX swaps the table) and adding a contact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.customers import contacts, service
from dunwell.customers.contacts import ConsentInput, ContactInput
from dunwell.kit.http import RowId, current_principal, db_session, writer
from dunwell.kit.http import page as render

router = APIRouter(include_in_schema=False)


def _flag(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@router.get("/customers")
def customers_page(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    session: Annotated[Session, Depends(db_session, scope="function")],
    q: str | None = None,
    owner: str | None = None,
    segment: str | None = None,
    overdue: str | None = None,
    risk: str | None = None,
    sort: str = "name",
    desc: bool = False,
    page: int = 1,
) -> Response:
    owner_id = int(owner) if owner and owner.isdigit() else None
    found = service.list_customers(
        session,
        principal,
        today=service.today(),
        search=q,
        owner_id=owner_id,
        segment=segment,
        overdue=_flag(overdue),
        risk=risk or None,
        sort=sort,
        descending=desc,
        page=max(1, page),
    )
    owners, segments = service.filter_choices(session, principal)
    filters = {
        "q": q or "",
        "owner": owner or "",
        "segment": segment or "",
        "overdue": overdue or "",
        "risk": risk or "",
        "sort": sort,
        "desc": desc,
    }
    template = "customers/_table.html" if request.headers.get("HX-Request") else "customers/list.html"
    return render(
        request,
        template,
        principal,
        nav="customers",
        found=found,
        owners=owners,
        segments=segments,
        filters=filters,
        bands=list(service.RISK_BANDS),
    )


@router.post("/customers/{customer_id}/contacts")
def add_contact(
    customer_id: RowId,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
    name: Annotated[str, Form()],
    role: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "",
    time_zone: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "person",
    consent_channel: Annotated[str, Form()] = "",
    given_by: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
) -> Response:
    consents = (
        (ConsentInput(consent_channel, True, given_by or None, source or None),) if consent_channel else ()
    )
    data = ContactInput(
        name=name,
        role=role or None,
        email=email or None,
        phone=phone or None,
        language=language or None,
        time_zone=time_zone or None,
        is_role_mailbox=kind == "mailbox",
        consents=consents,
    )
    contacts.add_contact(session, principal, customer_id, data)
    return RedirectResponse(f"/customers/{customer_id}#contacts", status_code=303)


@router.post("/customers/{customer_id}/contacts/{contact_id}/consents")
def set_consent(
    customer_id: RowId,
    contact_id: RowId,
    principal: Annotated[Principal, Depends(writer)],
    session: Annotated[Session, Depends(db_session, scope="function")],
    channel: Annotated[str, Form()],
    consented: Annotated[str, Form()] = "yes",
    given_by: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
) -> Response:
    data = ConsentInput(channel, consented == "yes", given_by or None, source or None)
    contacts.set_consent(session, principal, customer_id, contact_id, data)
    return RedirectResponse(f"/customers/{customer_id}#contacts", status_code=303)
