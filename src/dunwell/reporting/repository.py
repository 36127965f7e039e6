"""Reading the book as it stood on a past date: documents with the settlements in effect then."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from dunwell.core.documents import (
    DocumentKind,
    GroupDimension,
    ReceivableDocument,
    Settlement,
)
from dunwell.core.money import minor_to_decimal
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice, InvoiceRevision
from dunwell.orm.payment import Allocation
from dunwell.orm.user import User

_STREAM_CHUNK = 10_000
#: id, number, kind, issue date, due date, amount (minor), entity code, customer id, segment, collector
_DocumentRow = tuple[int, str, DocumentKind, date, date, int, str, str, str | None, str | None]


@dataclass(frozen=True, slots=True)
class _Rollback:
    """Values a document had before revisions recorded after the as-of date."""

    issue_date: date | None = None
    due_date: date | None = None
    amount_minor: int | None = None


class BookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def currencies(
        self, *, as_of: date, entity: str | None = None, owners: frozenset[int] | None = None
    ) -> list[str]:
        """Currencies of the documents issued by ``as_of`` (as their issue dates were known then),
        of ``entity`` and of the customers of ``owners`` (None: every entity, every customer)."""
        issued = self._issued_by(as_of, self.rollbacks(as_of))
        stmt = (
            select(Invoice.currency)
            .distinct()
            .join(LegalEntity, LegalEntity.id == Invoice.entity_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(issued, *scope_filter(entity, owners))
            .order_by(Invoice.currency)
        )
        return list(self.session.scalars(stmt))

    def entity_codes(self) -> list[str]:
        return list(self.session.scalars(select(LegalEntity.code).order_by(LegalEntity.code)))

    @staticmethod
    def _issued_by(as_of: date, rollbacks: dict[int, _Rollback]) -> ColumnElement[bool]:
        # A later import may have moved an issue date across ``as_of`` in either direction; those
        # few documents are fetched by id and judged on their rolled-back date in ``_build``.
        moved = [id_ for id_, back in rollbacks.items() if back.issue_date is not None]
        if not moved:
            return Invoice.issue_date <= as_of
        return or_(Invoice.issue_date <= as_of, Invoice.id.in_(moved))

    def documents_as_of(
        self,
        *,
        as_of: date,
        currency: str,
        entity: str | None = None,
        owners: frozenset[int] | None = None,
    ) -> Iterator[ReceivableDocument]:
        """Every document issued on or before ``as_of`` in ``currency``, as it was known then (of
        ``entity``, and of the customers whose owner is one of ``owners``; None: no filter).

        Settlements applied after ``as_of`` are left out, reversals after it are ignored, and
        fields changed by later imports are rolled back to their earlier values. Streams in chunks
        so a book of millions of documents does not sit in memory twice.
        """
        rollbacks = self.rollbacks(as_of)
        stmt = (
            select(
                Invoice.id,
                Invoice.number,
                Invoice.kind,
                Invoice.issue_date,
                Invoice.due_date,
                Invoice.amount_minor,
                LegalEntity.code,
                Customer.external_id,
                Customer.segment,
                User.login,
            )
            .join(LegalEntity, LegalEntity.id == Invoice.entity_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .outerjoin(User, User.id == Customer.owner_id)
            .where(
                self._issued_by(as_of, rollbacks), Invoice.currency == currency, *scope_filter(entity, owners)
            )
            .order_by(Invoice.id)
            .execution_options(yield_per=_STREAM_CHUNK)
        )
        batch: list[_DocumentRow] = []
        for row in self.session.execute(stmt):
            batch.append(row)
            if len(batch) >= _STREAM_CHUNK:
                yield from self._build(batch, as_of=as_of, currency=currency, rollbacks=rollbacks)
                batch = []
        if batch:
            yield from self._build(batch, as_of=as_of, currency=currency, rollbacks=rollbacks)

    def _build(
        self,
        rows: list[_DocumentRow],
        *,
        as_of: date,
        currency: str,
        rollbacks: dict[int, _Rollback],
    ) -> Iterator[ReceivableDocument]:
        first, last = rows[0][0], rows[-1][0]
        settlements: dict[int, list[Settlement]] = defaultdict(list)
        for invoice_id, on, minor, settlement_kind, reversed_on in self.session.execute(
            select(
                Allocation.invoice_id,
                Allocation.applied_on,
                Allocation.amount_minor,
                Allocation.kind,
                Allocation.reversed_on,
            ).where(Allocation.invoice_id.between(first, last), Allocation.applied_on <= as_of)
        ):
            settlements[invoice_id].append(
                Settlement(
                    on=on,
                    amount=minor_to_decimal(minor, currency),
                    kind=settlement_kind,
                    reversed_on=reversed_on,
                )
            )
        for id_, number, kind, issue, due, amount, entity, customer, segment, owner in rows:
            back = rollbacks.get(id_)
            if back is not None:
                issue = back.issue_date or issue
                due = back.due_date or due
                amount = back.amount_minor if back.amount_minor is not None else amount
                if issue > as_of:
                    continue
            groups = {GroupDimension.ENTITY: entity, GroupDimension.CUSTOMER: f"{entity}/{customer}"}
            if segment:
                groups[GroupDimension.SEGMENT] = segment
            if owner:
                groups[GroupDimension.COLLECTOR] = owner
            yield ReceivableDocument(
                key=f"{entity}/{number}",
                kind=kind,
                issue_date=issue,
                due_date=due,
                amount=minor_to_decimal(amount, currency),
                currency=currency,
                settlements=tuple(settlements.get(id_, ())),
                groups=groups,
            )

    def last_activity_day(self) -> date | None:
        """The latest issue date or settlement day in the book."""
        issued = self.session.scalar(select(func.max(Invoice.issue_date)))
        settled = self.session.scalar(select(func.max(Allocation.applied_on)))
        days = [d for d in (issued, settled) if d is not None]
        return max(days) if days else None

    def revised_between(self, after: date, until: date) -> bool:
        """Whether an import revised any document with effect after ``after`` and by ``until``."""
        stmt = (
            select(InvoiceRevision.id)
            .where(InvoiceRevision.effective_on > after, InvoiceRevision.effective_on <= until)
            .limit(1)
        )
        return self.session.scalar(stmt) is not None

    def rollbacks(self, as_of: date) -> dict[int, _Rollback]:
        """The earliest recorded old value of each field changed after ``as_of`` (revisions are rare)."""
        result: dict[int, dict[str, object]] = defaultdict(dict)
        stmt = (
            select(InvoiceRevision.invoice_id, InvoiceRevision.changes)
            .where(InvoiceRevision.effective_on > as_of)
            .order_by(InvoiceRevision.effective_on.desc(), InvoiceRevision.id.desc())
        )
        for invoice_id, changes in self.session.execute(stmt):
            # Walking newest to oldest, the last write per field is the value before the first change.
            for field_name in ("issue_date", "due_date", "amount_minor"):
                if field_name in changes:
                    result[invoice_id][field_name] = changes[field_name][0]
        return {
            invoice_id: _Rollback(
                issue_date=date.fromisoformat(str(v["issue_date"])) if "issue_date" in v else None,
                due_date=date.fromisoformat(str(v["due_date"])) if "due_date" in v else None,
                amount_minor=int(str(v["amount_minor"])) if "amount_minor" in v else None,
            )
            for invoice_id, v in result.items()
        }


def scope_filter(entity: str | None, owners: frozenset[int] | None) -> list[ColumnElement[bool]]:
    """The filter of one entity and one portfolio (the customers of ``owners``; empty: none)."""
    where: list[ColumnElement[bool]] = []
    if entity is not None:
        where.append(LegalEntity.code == entity)
    if owners is not None:
        where.append(Customer.owner_id.in_(sorted(owners)))
    return where
