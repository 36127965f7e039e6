"""All SQL behind the data-quality check: the facts per customer, read set-wise for the whole book."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from dunwell.orm.customer import Contact, ContactChannelConsent, Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment


@dataclass(frozen=True, slots=True)
class QualityFacts:
    customers: list[tuple[int, str, str | None]]  # (id, name, terms)
    usable_contact: set[int]
    consented: set[int]
    out_of_order: Counter[int]
    accounts: dict[str, set[int]]  # payer account -> the customers paying from it


#: Customers sharing one bank account beyond this many are served by one processor or parent.
SHARED_AT_MOST = 3


class QualityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def facts(self, scope: frozenset[int] | None, customer_id: int | None = None) -> QualityFacts:
        def scoped(query: Any) -> Any:
            if scope is not None:
                query = query.where(Customer.owner_id.in_(sorted(scope) or [-1]))
            return query

        listed = select(Customer.id, Customer.name, Customer.terms).order_by(Customer.id)
        if scope is not None:
            listed = listed.where(Customer.owner_id.in_(sorted(scope) or [-1]))
        if customer_id is not None:
            listed = listed.where(Customer.id == customer_id)
        customers = [(id_, name, terms) for id_, name, terms in self.session.execute(listed)]
        contact = (
            select(Contact.customer_id)
            .join(Customer, Customer.id == Contact.customer_id)
            .where(or_(Contact.email.is_not(None), Contact.phone.is_not(None)))
            .distinct()
        )
        consent = (
            select(Contact.customer_id)
            .join(Customer, Customer.id == Contact.customer_id)
            .join(ContactChannelConsent, ContactChannelConsent.contact_id == Contact.id)
            .where(ContactChannelConsent.consented.is_(True), ContactChannelConsent.opted_out_at.is_(None))
            .distinct()
        )
        cleared_early = (
            select(Invoice.customer_id, func.count())
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.cleared_on < Invoice.issue_date)
            .group_by(Invoice.customer_id)
        )
        applied_early = (
            select(Invoice.customer_id, func.count())
            .select_from(Allocation)
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(and_(Allocation.applied_on < Invoice.issue_date, Allocation.reversed_on.is_(None)))
            .group_by(Invoice.customer_id)
        )
        if customer_id is not None:
            contact, consent = (q.where(Customer.id == customer_id) for q in (contact, consent))
            cleared_early, applied_early = (
                q.where(Customer.id == customer_id) for q in (cleared_early, applied_early)
            )
        out_of_order: Counter[int] = Counter()
        for query in (cleared_early, applied_early):
            for found in self.session.execute(scoped(query)):
                out_of_order[int(found[0])] += int(found[1])
        accounts: dict[str, set[int]] = defaultdict(set)
        paid_from = (
            select(Payment.payer_account, Payment.customer_id)
            .where(Payment.payer_account.is_not(None), Payment.customer_id.is_not(None))
            .distinct()
        )
        if customer_id is not None:  # only the accounts this customer paid from
            own = select(Payment.payer_account).where(Payment.customer_id == customer_id)
            paid_from = paid_from.where(Payment.payer_account.in_(own))
        for account, owner in self.session.execute(paid_from):
            if account is not None and owner is not None:
                accounts[account].add(owner)
        shared = {a: owners for a, owners in accounts.items() if 1 < len(owners) <= SHARED_AT_MOST}
        family = self._families(set().union(*shared.values()) if shared else set())
        return QualityFacts(
            customers=customers,
            usable_contact=set(self.session.scalars(scoped(contact))),
            consented=set(self.session.scalars(scoped(consent))),
            out_of_order=out_of_order,
            # Two or three customers paying from one account are likely one company entered twice;
            # more are a payment processor's or a parent's account, shared by design.
            # A parent paying for its subsidiaries (or itself) is a family, not a duplicate.
            accounts={a: owners for a, owners in shared.items() if len({family[o] for o in owners}) > 1},
        )

    def _families(self, ids: set[int]) -> dict[int, tuple[int, str]]:
        """Each customer's family: (entity, its parent's external id, or its own without one)."""
        if not ids:
            return {}
        query = select(Customer.id, Customer.entity_id, Customer.external_id, Customer.parent_external_id)
        return {
            id_: (entity, parent or own)
            for id_, entity, own, parent in self.session.execute(query.where(Customer.id.in_(sorted(ids))))
        }

    def names(self, scope: frozenset[int] | None) -> list[tuple[int, str]]:
        query = select(Customer.id, Customer.name)
        if scope is not None:
            query = query.where(Customer.owner_id.in_(sorted(scope) or [-1]))
        return [(id_, name) for id_, name in self.session.execute(query)]
