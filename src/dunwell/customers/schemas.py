"""The REST shapes of customers and their contacts (amounts as integer minor units + currency)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from dunwell.customers.contacts import ContactView
from dunwell.customers.repository import CustomerRow
from dunwell.customers.service import CustomerPage


class Customer(BaseModel):
    id: int
    external_id: str
    name: str
    entity: str
    segment: str | None
    country: str | None
    terms: str | None
    owner_id: int | None
    owner: str | None
    currency: str | None = Field(description="The currency of owed_minor and overdue_minor")
    credit_limit_minor: int | None
    credit_limit_currency: str | None
    owed_minor: int = Field(description="Open amount in `currency` (minor units), never across currencies")
    overdue_minor: int
    open_items: int = Field(description="Open items in `currency`")
    other_currencies: int = Field(
        description="How many other currencies the customer has open items in (not in owed_minor)"
    )
    risk: float | None = Field(description="Highest P(paid late) among the open items' latest predictions")
    postal_address: str | None = Field(
        None, description="The billing address lines a letter shows, newline-separated (none: no letters)"
    )

    @classmethod
    def of(cls, row: CustomerRow) -> Customer:
        return cls(**{name: getattr(row, name) for name in cls.model_fields})


class CustomerList(BaseModel):
    items: list[Customer]
    total: int
    page: int
    per_page: int
    pages: int

    @classmethod
    def of(cls, found: CustomerPage) -> CustomerList:
        return cls(
            items=[Customer.of(r) for r in found.rows],
            total=found.total,
            page=found.page,
            per_page=found.per_page,
            pages=found.pages,
        )


class Consent(BaseModel):
    channel: str
    consented: bool
    consented_at: datetime | None
    opted_out_at: datetime | None
    given_by: str | None
    source: str | None


class ConsentCreate(BaseModel):
    channel: str
    consented: bool = Field(description="false records an opt-out")
    given_by: str | None = Field(None, description="Who gave it: the contact, a colleague, a contract")
    source: str | None = Field(None, description="How: a phone call, a signed form, a portal checkbox")


class ContactCreate(BaseModel):
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    time_zone: str | None = None
    is_role_mailbox: bool = False
    is_natural_person: bool = False
    consents: list[ConsentCreate] = []


class Contact(BaseModel):
    id: int
    customer_id: int
    name: str
    role: str | None
    email: str | None
    phone: str | None
    language: str | None
    time_zone: str | None
    is_role_mailbox: bool
    is_natural_person: bool
    consents: list[Consent]

    @classmethod
    def of(cls, view: ContactView) -> Contact:
        c = view.contact
        return cls(
            id=c.id,
            customer_id=c.customer_id,
            name=c.name,
            role=c.role,
            email=c.email,
            phone=c.phone,
            language=c.language,
            time_zone=c.time_zone,
            is_role_mailbox=c.is_role_mailbox,
            is_natural_person=c.is_natural_person,
            consents=[
                Consent(
                    channel=k.channel.value,
                    consented=k.consented,
                    consented_at=k.consented_at,
                    opted_out_at=k.opted_out_at,
                    given_by=k.given_by,
                    source=k.source,
                )
                for k in view.consents
            ],
        )


class QualityReason(BaseModel):
    code: str
    message: str


class DataQuality(BaseModel):
    customer_id: int
    name: str
    score: int
    reasons: list[QualityReason]
