"""All SQL about customers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from dunwell.core.documents import DocumentStatus
from dunwell.kit.bulk import one_of
from dunwell.kit.versioned_cache import VersionedCache
from dunwell.orm.customer import Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.invoice import Invoice
from dunwell.orm.prediction import InvoicePrediction
from dunwell.orm.user import User


@dataclass(frozen=True, slots=True)
class StoredCustomer:
    id: int
    external_id: str
    source_hash: str | None


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_external_ids(self, entity_id: int, external_ids: Iterable[str]) -> dict[str, StoredCustomer]:
        rows = self.session.execute(
            select(Customer.id, Customer.external_id, Customer.source_hash).where(
                Customer.entity_id == entity_id, one_of(self.session, Customer.external_id, set(external_ids))
            )
        )
        return {ext: StoredCustomer(id_, ext, h) for id_, ext, h in rows}

    def ensure(self, entity_id: int, names_by_external_id: Mapping[str, str | None]) -> dict[str, int]:
        """``{external_id: id}``, creating the customers an invoice file mentions for the first time."""
        found = self.by_external_ids(entity_id, names_by_external_id)
        missing = [ext for ext in names_by_external_id if ext not in found]
        if missing:
            self.session.execute(
                insert(Customer),
                [
                    {"entity_id": entity_id, "external_id": ext, "name": names_by_external_id[ext] or ext}
                    for ext in missing
                ],
            )
            found = self.by_external_ids(entity_id, names_by_external_id)
        return {ext: c.id for ext, c in found.items()}

    def insert_many(self, values: list[dict[str, Any]]) -> None:
        self.session.info.pop(_OWNERS, None)
        if values:
            self.session.execute(insert(Customer), values)

    def update_one(self, customer_id: int, values: dict[str, Any]) -> None:
        self.session.info.pop(_OWNERS, None)
        self.session.execute(update(Customer).where(Customer.id == customer_id).values(**values))


@dataclass(frozen=True, slots=True)
class CustomerRow:
    """A customer with what it owes today and the highest risk of its open items."""

    id: int
    external_id: str
    name: str
    entity: str
    segment: str | None
    country: str | None
    terms: str | None
    owner_id: int | None
    owner: str | None
    currency: str | None
    credit_limit_minor: int | None
    credit_limit_currency: str | None
    owed_minor: int
    overdue_minor: int
    open_items: int
    risk: float | None
    #: Currencies other than ``currency`` that open items are in (their amounts are not in owed).
    other_currencies: int = 0
    postal_address: str | None = None  # the lines a letter shows


class Figures(NamedTuple):
    owed: int
    overdue: int
    risk: float | None


class BookFigures(NamedTuple):
    figures: dict[int, Figures]
    #: (sort, descending) -> every customer id in that order.
    orders: dict[tuple[str, bool], list[int]]


def _sort_value(figures: Figures, sort: str) -> float:
    if sort == "risk":
        return -1.0 if figures.risk is None else figures.risk  # no prediction sorts below any risk
    return figures.owed if sort == "owed" else figures.overdue


#: Each customer's figures for the list's sorts and filters, per day, until the book changes.
BOOK_FIGURES: VersionedCache[BookFigures] = VersionedCache(size=8)


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    """Which customers a listing shows; ``scope`` is the portfolio's owner ids (None: all)."""

    scope: frozenset[int] | None
    today: date
    search: str | None = None
    owner_id: int | None = None
    segment: str | None = None
    overdue: bool | None = None
    risk_at_least: float | None = None
    risk_below: float | None = None

    @property
    def by_columns(self) -> bool:
        """Whether it keeps customers by their own columns (portfolio, search, owner, segment)."""
        return self.scope is not None or bool(self.search) or self.owner_id is not None or bool(self.segment)


SORTS = ("name", "owed", "overdue", "risk", "external_id")


#: ``session.info`` key of the owners ``CustomerQueries.owner_of`` has read in this session.
_OWNERS = "dunwell.customer_owners"


class CustomerQueries:
    """Reads for the customer list and page (the portfolio scope is always a filter here)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _listing(self, today: date, only: Sequence[int] | None = None) -> Select[Any]:
        """Customers with their aggregates; ``only``: just these customers (a page, or one), so the
        open items and predictions of the rest of the book are not summed for nothing."""
        # Amounts in different currencies are never added up: each customer is shown in one
        # currency (its own, else the one most of its open items are in) and the others counted.
        per_currency = (
            select(
                Invoice.customer_id.label("customer_id"),
                Invoice.currency.label("currency"),
                func.sum(Invoice.open_amount_minor).label("owed"),
                func.sum(case((Invoice.due_date < today, Invoice.open_amount_minor), else_=0)).label(
                    "overdue"
                ),
                func.count(Invoice.id).label("item_count"),
            )
            .where(Invoice.status != DocumentStatus.CLEARED, Invoice.open_amount_minor != 0)
            .where(*([Invoice.customer_id.in_(only)] if only is not None else []))
            .group_by(Invoice.customer_id, Invoice.currency)
            .subquery()
        )
        home = select(Customer.currency).where(Customer.id == per_currency.c.customer_id).scalar_subquery()
        ranked = select(
            per_currency,
            func.row_number()
            .over(
                partition_by=per_currency.c.customer_id,
                order_by=(
                    case((per_currency.c.currency == home, 0), else_=1),
                    per_currency.c.item_count.desc(),
                    per_currency.c.currency,
                ),
            )
            .label("rank"),
            func.count().over(partition_by=per_currency.c.customer_id).label("currencies"),
        ).subquery()
        open_items = select(ranked).where(ranked.c.rank == 1).subquery()
        latest = (
            select(func.max(InvoicePrediction.id).label("id"))
            .join(Invoice, Invoice.id == InvoicePrediction.invoice_id)
            .where(*([Invoice.customer_id.in_(only)] if only is not None else []))
            .group_by(InvoicePrediction.invoice_id)
            .subquery()
        )
        risk = (
            select(
                Invoice.customer_id.label("customer_id"), func.max(InvoicePrediction.risk_late).label("risk")
            )
            .join(InvoicePrediction, InvoicePrediction.invoice_id == Invoice.id)
            .join(latest, latest.c.id == InvoicePrediction.id)
            .where(Invoice.status != DocumentStatus.CLEARED, Invoice.open_amount_minor != 0)
            .group_by(Invoice.customer_id)
            .subquery()
        )
        listing = (
            select(
                Customer,
                LegalEntity.code,
                User.login,
                func.coalesce(open_items.c.owed, 0).label("owed"),
                func.coalesce(open_items.c.overdue, 0).label("overdue"),
                func.coalesce(open_items.c.item_count, 0).label("item_count"),
                open_items.c.currency,
                risk.c.risk,
                func.coalesce(open_items.c.currencies, 0).label("currencies"),
            )
            .join(LegalEntity, LegalEntity.id == Customer.entity_id)
            .outerjoin(User, User.id == Customer.owner_id)
            .outerjoin(open_items, open_items.c.customer_id == Customer.id)
            .outerjoin(risk, risk.c.customer_id == Customer.id)
        )
        return listing.where(Customer.id.in_(only)) if only is not None else listing

    def listing(
        self, wanted: CustomerFilter, *, sort: str, descending: bool, limit: int, offset: int
    ) -> tuple[list[CustomerRow], int]:
        by_figures = (wanted.overdue, wanted.risk_at_least, wanted.risk_below) != (None, None, None)
        if sort in ("name", "external_id") and not by_figures:
            return self._page_first(wanted, sort=sort, descending=descending, limit=limit, offset=offset)
        return self._figures_first(wanted, sort=sort, descending=descending, limit=limit, offset=offset)

    def book_figures(self, today: date) -> BookFigures:
        """Every customer's (owed, overdue, risk) today, as the list shows them (one currency each),
        with the customer ids in each figure's order (ties in id order, either way)."""
        full = self._listing(today)
        columns = full.selected_columns
        listing = full.with_only_columns(Customer.id, columns.owed, columns.overdue, columns.risk)
        figures = {
            int(id_): Figures(int(owed), int(overdue), None if risk is None else float(risk))
            for id_, owed, overdue, risk in self.session.execute(listing)
        }
        orders: dict[tuple[str, bool], list[int]] = {}
        for sort in ("owed", "overdue", "risk"):
            values = {id_: _sort_value(f, sort) for id_, f in figures.items()}
            orders[sort, False] = sorted(values, key=lambda i: (values[i], i))
            orders[sort, True] = sorted(values, key=lambda i: (-values[i], i))
        return BookFigures(figures, orders)

    def _figures_first(
        self, wanted: CustomerFilter, *, sort: str, descending: bool, limit: int, offset: int
    ) -> tuple[list[CustomerRow], int]:
        """Sorted or filtered by what customers owe or risk: the whole book's figures and orders are
        computed once per change of the book (``BOOK_FIGURES``); a request keeps the portfolio's."""
        book = BOOK_FIGURES.get(
            self.session, ("customer-figures", wanted.today), lambda: self.book_figures(wanted.today)
        )
        by_columns = wanted.by_columns
        kept = set(self.session.scalars(self._ids(wanted))) if by_columns else book.figures.keys()
        if not kept <= book.figures.keys():  # a customer the kept figures do not know: not kept then
            book = self.book_figures(wanted.today)
        by_figures = (wanted.overdue, wanted.risk_at_least, wanted.risk_below) != (None, None, None)

        def wanted_figures(id_: int) -> bool:
            f = book.figures[id_]
            if wanted.overdue is not None and (f.overdue > 0) is not wanted.overdue:
                return False
            if wanted.risk_at_least is not None and (f.risk is None or f.risk < wanted.risk_at_least):
                return False
            return wanted.risk_below is None or f.risk is None or f.risk < wanted.risk_below

        if sort in ("name", "external_id"):  # a filter on figures, sorted by a column: order in SQL
            key = func.lower(Customer.name) if sort == "name" else Customer.external_id
            order = (key.desc() if descending else key.asc(), Customer.id)
            candidates: Iterable[int] = self.session.scalars(self._ids(wanted).order_by(*order))
        else:
            candidates = book.orders[sort, descending]
        if by_figures:
            ordered = [i for i in candidates if i in kept and wanted_figures(i)]
        else:
            ordered = [i for i in candidates if i in kept] if by_columns else list(candidates)
        page = ordered[offset : offset + limit]
        if not page:
            return [], len(ordered)
        found = {r[0].id: _row(r) for r in self.session.execute(self._listing(wanted.today, page))}
        return [found[i] for i in page if i in found], len(ordered)

    def _ids(self, wanted: CustomerFilter) -> Select[int]:
        """The ids of the customers the filter's own columns (scope, search, owner, segment) keep."""
        ids = select(Customer.id)
        if wanted.scope is not None:
            ids = ids.where(Customer.owner_id.in_(sorted(wanted.scope) or [-1]))
        if wanted.search:
            pattern = f"%{wanted.search.strip().lower()}%"
            ids = ids.where(
                or_(func.lower(Customer.name).like(pattern), func.lower(Customer.external_id).like(pattern))
            )
        if wanted.owner_id is not None:
            ids = ids.where(Customer.owner_id == wanted.owner_id)
        if wanted.segment:
            ids = ids.where(Customer.segment == wanted.segment)
        return ids

    def _page_first(
        self, wanted: CustomerFilter, *, sort: str, descending: bool, limit: int, offset: int
    ) -> tuple[list[CustomerRow], int]:
        """Sorted by a customer's own column with no filter on its figures: the page's customers are
        chosen first, and only theirs are summed (the book may hold millions of open items)."""
        ids = self._ids(wanted)
        total = self.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
        key = func.lower(Customer.name) if sort == "name" else Customer.external_id
        order = (key.desc() if descending else key.asc(), Customer.id)
        page = list(self.session.scalars(ids.order_by(*order).limit(limit).offset(offset)))
        if not page:
            return [], total
        rows = self.session.execute(self._listing(wanted.today, page).order_by(*order)).all()
        return [_row(r) for r in rows], total

    def one(self, customer_id: int, today: date) -> CustomerRow | None:
        found = self.session.execute(self._listing(today, [customer_id])).first()
        return _row(found) if found else None

    def owner_of(self, customer_id: int) -> tuple[bool, int | None]:
        """(whether the customer exists, its owner id). Remembered for the session: a customer's
        page asks a dozen times (once per section's service), and owners change only through
        ``CustomerRepository``, which forgets them."""
        known: dict[int, tuple[bool, int | None]] = self.session.info.setdefault(_OWNERS, {})
        if customer_id not in known:
            found = self.session.execute(select(Customer.owner_id).where(Customer.id == customer_id)).first()
            known[customer_id] = (found is not None, found[0] if found else None)
        return known[customer_id]

    def segments(self, scope: frozenset[int] | None) -> list[str]:
        query = select(Customer.segment).where(Customer.segment.is_not(None)).distinct()
        if scope is not None:
            query = query.where(Customer.owner_id.in_(sorted(scope) or [-1]))
        return sorted(s for s in self.session.scalars(query) if s)

    def owners(self, scope: frozenset[int] | None) -> list[tuple[int, str]]:
        query = select(User.id, User.login).order_by(User.login)
        if scope is not None:
            query = query.where(User.id.in_(sorted(scope) or [-1]))
        return [(id_, login) for id_, login in self.session.execute(query)]

    def user_exists(self, user_id: int) -> bool:
        return self.session.get(User, user_id) is not None


def _row(found: Any) -> CustomerRow:
    customer: Customer = found[0]
    return CustomerRow(
        id=customer.id,
        external_id=customer.external_id,
        name=customer.name,
        entity=found[1],
        segment=customer.segment,
        country=customer.country,
        terms=customer.terms,
        owner_id=customer.owner_id,
        owner=found[2],
        currency=found[6] or customer.currency,
        credit_limit_minor=customer.credit_limit_minor,
        credit_limit_currency=customer.credit_limit_currency,
        owed_minor=int(found[3]),
        overdue_minor=int(found[4]),
        open_items=int(found[5]),
        risk=None if found[7] is None else float(found[7]),
        other_currencies=max(int(found[8]) - 1, 0),
        postal_address=customer.postal_address,
    )
