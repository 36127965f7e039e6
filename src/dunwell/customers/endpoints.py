"""REST: customers (list and one), their contacts and consent, and their data quality."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.customers import contacts, quality, service
from dunwell.customers.contacts import ConsentInput, ContactInput
from dunwell.customers.schemas import (
    ConsentCreate,
    Contact,
    ContactCreate,
    Customer,
    CustomerList,
    DataQuality,
)
from dunwell.kit.http import ERROR_RESPONSES, RowId, current_principal, db_session, writer

router = APIRouter(tags=["customers"], responses=ERROR_RESPONSES)
Reader = Annotated[Principal, Depends(current_principal)]
Writer = Annotated[Principal, Depends(writer)]
Db = Annotated[Session, Depends(db_session, scope="function")]


@router.get("/customers", response_model=CustomerList)
def list_customers(
    principal: Reader,
    session: Db,
    q: Annotated[str | None, Query(description="Part of the name or the customer id")] = None,
    owner_id: int | None = None,
    segment: str | None = None,
    overdue: bool | None = None,
    risk: Annotated[str | None, Query(description="high, medium or low")] = None,
    sort: Annotated[str, Query(description="name, owed, overdue, risk or external_id")] = "name",
    desc: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=service.PER_PAGE_MAX)] = 25,
) -> CustomerList:
    """The customers of your portfolio with what they owe, searchable, filterable and sorted."""
    found = service.list_customers(
        session,
        principal,
        today=service.today(),
        search=q,
        owner_id=owner_id,
        segment=segment,
        overdue=overdue,
        risk=risk,
        sort=sort,
        descending=desc,
        page=page,
        per_page=per_page,
    )
    return CustomerList.of(found)


@router.get("/customers/{customer_id}", response_model=Customer)
def one_customer(customer_id: RowId, principal: Reader, session: Db) -> Customer:
    return Customer.of(service.customer(session, principal, customer_id, today=date.today()))  # noqa: DTZ011


@router.get("/customers/{customer_id}/contacts", response_model=list[Contact])
def list_contacts(customer_id: RowId, principal: Reader, session: Db) -> list[Contact]:
    return [Contact.of(v) for v in contacts.contacts(session, principal, customer_id)]


@router.post("/customers/{customer_id}/contacts", response_model=Contact, status_code=201)
def add_contact(customer_id: RowId, body: ContactCreate, principal: Writer, session: Db) -> Contact:
    data = ContactInput(
        **body.model_dump(exclude={"consents"}),
        consents=tuple(ConsentInput(**c.model_dump()) for c in body.consents),
    )
    return Contact.of(contacts.add_contact(session, principal, customer_id, data))


@router.post(
    "/customers/{customer_id}/contacts/{contact_id}/consents", response_model=Contact, status_code=201
)
def set_consent(
    customer_id: RowId, contact_id: RowId, body: ConsentCreate, principal: Writer, session: Db
) -> Contact:
    """Record consent on a channel, or an opt-out (``consented: false``), with its provenance."""
    view = contacts.set_consent(
        session, principal, customer_id, contact_id, ConsentInput(**body.model_dump())
    )
    return Contact.of(view)


@router.get("/customers/{customer_id}/data-quality", response_model=DataQuality)
def data_quality(customer_id: RowId, principal: Reader, session: Db) -> DataQuality:
    return DataQuality.model_validate(quality.customer_quality(session, principal, customer_id).to_dict())
