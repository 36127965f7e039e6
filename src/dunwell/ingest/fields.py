"""The canonical fields of each import kind: their names, value types, and which are required.

This schema is shared by the mapping loader (which validates field names and options against it)
and the row parser (which picks a converter per field type). Field order is the order in which a
row's problems are reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class ImportKind(StrEnum):
    """What a file holds: one canonical row type per kind."""

    INVOICES = "invoices"
    PAYMENTS = "payments"
    CUSTOMERS = "customers"


class FieldType(StrEnum):
    """How a source string becomes a typed value."""

    TEXT = "text"
    DATE = "date"
    DECIMAL = "decimal"
    BOOL = "bool"
    CURRENCY = "currency"
    DOCUMENT_KIND = "document_kind"
    COUNTRY = "country"
    TIME_ZONE = "time_zone"


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One canonical field: ``default`` is the source string used when the field is unmapped or empty."""

    name: str
    type: FieldType
    required: bool = False
    default: str | None = None


#: The entity (company code) of rows whose file and mapping say nothing about it.
DEFAULT_ENTITY = "MAIN"

_T = FieldType


def _schema(*defs: FieldDef) -> Mapping[str, FieldDef]:
    return MappingProxyType({d.name: d for d in defs})


SCHEMAS: Mapping[ImportKind, Mapping[str, FieldDef]] = MappingProxyType(
    {
        ImportKind.INVOICES: _schema(
            FieldDef("invoice_id", _T.TEXT, required=True),
            FieldDef("customer_id", _T.TEXT, required=True),
            FieldDef("customer_name", _T.TEXT),
            FieldDef("entity", _T.TEXT, default=DEFAULT_ENTITY),
            FieldDef("issue_date", _T.DATE, required=True),
            FieldDef("due_date", _T.DATE, required=True),
            FieldDef("terms", _T.TEXT),
            FieldDef("currency", _T.CURRENCY, required=True),
            FieldDef("amount", _T.DECIMAL, required=True),
            FieldDef("open_amount", _T.DECIMAL),
            FieldDef("paid_date", _T.DATE),
            FieldDef("disputed", _T.BOOL, default="false"),
            FieldDef("po_number", _T.TEXT),
            FieldDef("document_type", _T.DOCUMENT_KIND, default="invoice"),
            # How the invoice reached the customer (paper, email, portal, edi): it moves payment times.
            FieldDef("delivery", _T.TEXT),
        ),
        ImportKind.PAYMENTS: _schema(
            FieldDef("payment_id", _T.TEXT),
            FieldDef("entity", _T.TEXT, default=DEFAULT_ENTITY),
            FieldDef("value_date", _T.DATE, required=True),
            FieldDef("amount", _T.DECIMAL, required=True),
            FieldDef("currency", _T.CURRENCY, required=True),
            FieldDef("payer_name", _T.TEXT),
            FieldDef("payer_account", _T.TEXT),
            FieldDef("remittance", _T.TEXT),
            FieldDef("customer_id", _T.TEXT),
            FieldDef("bank_reference", _T.TEXT),
        ),
        ImportKind.CUSTOMERS: _schema(
            FieldDef("customer_id", _T.TEXT, required=True),
            FieldDef("name", _T.TEXT, required=True),
            FieldDef("entity", _T.TEXT, default=DEFAULT_ENTITY),
            FieldDef("country", _T.COUNTRY),
            FieldDef("currency", _T.CURRENCY),
            FieldDef("time_zone", _T.TIME_ZONE),
            FieldDef("terms", _T.TEXT),
            FieldDef("credit_limit", _T.DECIMAL),
            FieldDef("segment", _T.TEXT),
            FieldDef("owner", _T.TEXT),
            # The group company (its customer_id in the same entity) that may pay for it.
            FieldDef("parent_id", _T.TEXT),
            # The billing address letters go to (a letter needs a street line and a town).
            FieldDef("address_line1", _T.TEXT),
            FieldDef("address_line2", _T.TEXT),
            FieldDef("postal_code", _T.TEXT),
            FieldDef("city", _T.TEXT),
            FieldDef("region", _T.TEXT),
        ),
    }
)


def schema(kind: ImportKind) -> Mapping[str, FieldDef]:
    """The canonical fields of ``kind``, in report order."""
    return SCHEMAS[kind]
