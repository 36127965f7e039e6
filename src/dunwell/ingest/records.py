"""The typed canonical rows an import produces, and the rejection of a row that could not become one.

These are plain values: the import service converts them to ORM objects, and tests compare them
directly. ``line`` is always the row's physical line in the source file (the header is line 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, make_dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from dunwell.core.documents import DocumentKind


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """An invoice or credit memo. Credit memos carry negative ``amount`` and ``open_amount``."""

    line: int
    invoice_id: str
    customer_id: str
    customer_name: str | None
    entity: str
    issue_date: date
    due_date: date
    terms: str | None
    currency: str
    amount: Decimal
    open_amount: Decimal
    paid_date: date | None
    disputed: bool
    po_number: str | None
    document_type: DocumentKind
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """A received payment (a bank credit). ``natural_key`` identifies it across re-imports.

    ``natural_key`` is ``payment_id`` when the file has one; otherwise it is derived from the
    payment's content plus its occurrence number among identical rows of the same file.
    """

    line: int
    payment_id: str | None
    entity: str
    value_date: date
    amount: Decimal
    currency: str
    payer_name: str | None
    payer_account: str | None
    remittance: str | None
    customer_id: str | None
    bank_reference: str | None
    natural_key: str


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A customer (bill-to account) of one entity."""

    line: int
    customer_id: str
    name: str
    entity: str
    country: str | None
    currency: str | None
    time_zone: str | None
    terms: str | None
    credit_limit: Decimal | None
    segment: str | None
    owner: str | None
    parent_id: str | None = None  # the group company's customer_id (same entity)
    address_line1: str | None = None
    address_line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    region: str | None = None


CanonicalRow = InvoiceRow | PaymentRow | CustomerRow


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a row was rejected; ``field`` is the canonical field, None for the row as a whole."""

    field: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Rejection:
    """A source row that was not imported.

    ``field`` and ``reason`` summarise ``problems`` (joined with ``"; "`` in the same order when
    there are several), which is what the reject file shows. ``raw`` is the row as read.
    """

    line: int
    field: str | None
    reason: str
    raw: Mapping[str, str | None]
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, line: int, problems: list[Problem], raw: Mapping[str, str | None]) -> Rejection:
        """The rejection of the row at ``line`` for ``problems`` (at least one)."""
        if len(problems) == 1:
            only = problems[0]
            return cls(line, only.field, only.reason, raw, (only,))
        fields = "; ".join(p.field or "row" for p in problems)
        return cls(line, fields, "; ".join(p.reason for p in problems), raw, tuple(problems))


_T = TypeVar("_T")


def fast_factory(cls: type[_T]) -> Callable[..., _T]:
    """A positional constructor for the frozen slots dataclass ``cls``, about five times faster.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which costs
    more than all the parsing of a 15-field row. The factory builds a mutable twin with the same
    slots (plain attribute stores) and then re-labels it as ``cls``; Python allows ``__class__``
    assignment between classes with identical slot layouts. The result is an ordinary, frozen
    ``cls`` instance, equal to ``cls(*args)``.
    """
    twin: Any = make_dataclass(
        f"_Mutable{cls.__name__}", [(f.name, f.type) for f in fields(cast(Any, cls))], slots=True, eq=False
    )
    if twin.__slots__ != getattr(cls, "__slots__", None):
        raise TypeError(f"{cls.__name__} must be a slots dataclass")

    def make(*args: Any) -> _T:
        obj = twin(*args)
        obj.__class__ = cls
        return obj  # type: ignore[no-any-return]

    return make
