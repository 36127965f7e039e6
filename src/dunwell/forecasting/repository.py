"""All SQL of the stored book's cash forecast: what was open of each invoice on a day, the
customers' business segments and names, and whose customers a portfolio holds."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from dunwell.orm.base import table_of
from dunwell.orm.customer import Customer
from dunwell.orm.payment import Allocation


class ForecastRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def settled_by(self, as_of: date) -> dict[int, int]:
        """Per document, the amount settled by allocations applied by the end of ``as_of`` and not
        reversed by then (same sign as the document's amount)."""
        a = table_of(Allocation).c
        in_effect = and_(a.applied_on <= as_of, or_(a.reversed_on.is_(None), a.reversed_on > as_of))
        rows = self.session.execute(
            select(a.invoice_id, func.sum(a.amount_minor)).where(in_effect).group_by(a.invoice_id)
        )
        return {int(invoice): int(total) for invoice, total in rows}

    def customers(self) -> dict[int, tuple[str, str | None, int | None]]:
        """Every customer: (name, business segment, owner)."""
        c = table_of(Customer).c
        rows = self.session.execute(select(c.id, c.name, c.segment, c.owner_id))
        return {int(pk): (name, segment, owner) for pk, name, segment, owner in rows}

    def external_ids(self) -> dict[int, str]:
        """Every customer's id in the ERP (how a scenario file names a customer)."""
        c = table_of(Customer).c
        return {int(pk): str(ext) for pk, ext in self.session.execute(select(c.id, c.external_id))}
