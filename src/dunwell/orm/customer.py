"""Customers (the unit collectors work), their contacts and per-channel consent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, false, func, text
from sqlalchemy.orm import Mapped, mapped_column

from dunwell.core.collections import Channel
from dunwell.core.reminders import Ledger
from dunwell.orm.base import Base, CurrencyCode, Id, MinorUnits, Timestamped, enum_column


class Customer(Timestamped, Base):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("entity_id", "external_id"),
        # The customer list's default order, a page at a time, without sorting every customer.
        Index("ix_customers_lower_name", func.lower(text("name")), "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("legal_entities.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    currency: Mapped[str | None] = mapped_column(CurrencyCode)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    terms: Mapped[str | None] = mapped_column(String(40))
    #: In ``credit_limit_currency`` minor units; NULL means no limit was set.
    credit_limit_minor: Mapped[int | None] = mapped_column(MinorUnits)
    credit_limit_currency: Mapped[str | None] = mapped_column(CurrencyCode)
    segment: Mapped[str | None] = mapped_column(String(64), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: The group company that may pay for this customer, by its customer id in the same entity
    #: (kept as the ERP gives it, so a parent imported later still resolves).
    parent_external_id: Mapped[str | None] = mapped_column(String(64))
    #: Fingerprint of the last imported source row: an identical re-import is a no-op.
    source_hash: Mapped[str | None] = mapped_column(String(64))
    #: Which contact rules bind its debts: ``commercial`` (B2B defaults) or ``consumer`` (Reg F pack).
    ledger: Mapped[Ledger] = mapped_column(
        enum_column(Ledger), default=Ledger.COMMERCIAL, server_default=Ledger.COMMERCIAL.value
    )
    #: A strategic account never gets a reminder no person approved.
    strategic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The dunning policy assigned to this customer by name (NULL: by segment, entity or the default).
    dunning_policy: Mapped[str | None] = mapped_column(String(80))
    #: The billing address lines a letter shows (newline-separated; none: no letter can be sent).
    postal_address: Mapped[str | None] = mapped_column(Text)


class Contact(Timestamped, Base):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("customer_id", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    #: Consumer-protection rules (US Reg F, GDPR) apply to natural persons, not to companies.
    is_natural_person: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    time_zone: Mapped[str | None] = mapped_column(String(64))
    #: The id the source file gives it, so a re-import updates instead of adding.
    external_id: Mapped[str | None] = mapped_column(String(64))
    #: A shared mailbox (accounts payable) rather than a person.
    is_role_mailbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: BCP 47 tag ("en", "de-CH") the contact is written to in.
    language: Mapped[str | None] = mapped_column(String(16))
    #: The last hard bounce or refused delivery of an email to this address (cleared when the
    #: address changes): no reminder goes to it until someone fixes it.
    email_undeliverable_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivery_error: Mapped[str | None] = mapped_column(Text)


class ContactChannelConsent(Timestamped, Base):
    """Whether a contact may be reached on a channel; an opt-out wins over consent."""

    __tablename__ = "contact_channel_consents"
    __table_args__ = (UniqueConstraint("contact_id", "channel"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    consented: Mapped[bool] = mapped_column(Boolean, default=False)
    consented_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opted_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str | None] = mapped_column(String(200))
    #: Who gave (or withdrew) it: the contact, a colleague on their behalf, a signed contract.
    given_by: Mapped[str | None] = mapped_column(String(200))
