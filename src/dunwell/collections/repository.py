"""All SQL about touches, promises to pay, holds and disputes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dunwell.core.collections import PaymentPlanStatus, PromiseStatus
from dunwell.core.documents import SettlementKind
from dunwell.orm.collections import (
    Dispute,
    DisputeInvoice,
    Hold,
    PaymentPlan,
    PromiseInvoice,
    PromiseToPay,
    Touch,
)
from dunwell.orm.customer import Contact, Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation
from dunwell.orm.user import User

#: Cash that keeps a promise: payments and credits, not write-offs or ERP corrections.
CASH_KINDS = (SettlementKind.PAYMENT, SettlementKind.CREDIT, SettlementKind.DEDUCTION)


class CollectionsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()

    def flush(self) -> None:
        self.session.flush()

    def touches(self, customer_id: int, *, limit: int = 200) -> list[Touch]:
        query = select(Touch).where(Touch.customer_id == customer_id)
        return list(
            self.session.scalars(query.order_by(Touch.occurred_at.desc(), Touch.id.desc()).limit(limit))
        )

    def promises(self, customer_id: int) -> list[PromiseToPay]:
        query = select(PromiseToPay).where(PromiseToPay.customer_id == customer_id)
        return list(
            self.session.scalars(query.order_by(PromiseToPay.promised_date.desc(), PromiseToPay.id.desc()))
        )

    def all_promises(self) -> list[PromiseToPay]:
        return list(self.session.scalars(select(PromiseToPay).order_by(PromiseToPay.id)))

    def plans_with_instalment_statuses(self) -> list[tuple[PaymentPlan, list[PromiseStatus]]]:
        """Every plan not cancelled, with its instalments' stored statuses."""
        plans = list(
            self.session.scalars(
                select(PaymentPlan)
                .where(PaymentPlan.status != PaymentPlanStatus.CANCELLED)
                .order_by(PaymentPlan.id)
            )
        )
        statuses: dict[int, list[PromiseStatus]] = defaultdict(list)
        if plans:
            rows = self.session.execute(
                select(PromiseToPay.plan_id, PromiseToPay.status).where(
                    PromiseToPay.plan_id.in_([p.id for p in plans])
                )
            )
            for plan_id, status in rows:
                statuses[plan_id or 0].append(status)
        return [(plan, statuses.get(plan.id, [])) for plan in plans]

    def plans(self, customer_id: int) -> list[PaymentPlan]:
        query = select(PaymentPlan).where(PaymentPlan.customer_id == customer_id)
        return list(
            self.session.scalars(query.order_by(PaymentPlan.accepted_on.desc(), PaymentPlan.id.desc()))
        )

    def plans_to_judge(self, customer_ids: Collection[int], *, accepted_by: date) -> list[PaymentPlan]:
        """The customers' plans accepted by the day and not ended for good (a broken one is judged
        again: cash applied late, back-dated, can still keep it)."""
        query = select(PaymentPlan).where(
            PaymentPlan.status.in_([PaymentPlanStatus.ACTIVE, PaymentPlanStatus.BROKEN]),
            PaymentPlan.accepted_on <= accepted_by,
        )
        wanted = set(customer_ids)
        return [p for p in self.session.scalars(query) if p.customer_id in wanted]

    def plan(self, plan_id: int) -> PaymentPlan | None:
        return self.session.get(PaymentPlan, plan_id)

    def instalments(self, plan_ids: Iterable[int]) -> dict[int, list[PromiseToPay]]:
        """The plans' instalment promises, in date order."""
        found: dict[int, list[PromiseToPay]] = defaultdict(list)
        ids = list(plan_ids)
        if ids:
            query = select(PromiseToPay).where(PromiseToPay.plan_id.in_(ids))
            for promise in self.session.scalars(query.order_by(PromiseToPay.promised_date, PromiseToPay.id)):
                found[promise.plan_id or 0].append(promise)
        return found

    def items_in_live_plans(self, customer_id: int, invoice_ids: Iterable[int]) -> list[int]:
        """Which of the invoices an active plan of the customer already covers."""
        ids = list(invoice_ids)
        if not ids:
            return []
        query = (
            select(PromiseInvoice.invoice_id)
            .join(PromiseToPay, PromiseToPay.id == PromiseInvoice.promise_id)
            .join(PaymentPlan, PaymentPlan.id == PromiseToPay.plan_id)
            .where(
                PaymentPlan.customer_id == customer_id,
                PaymentPlan.status == PaymentPlanStatus.ACTIVE,
                PromiseInvoice.invoice_id.in_(ids),
            )
            .distinct()
        )
        return sorted(self.session.scalars(query))

    def promise(self, promise_id: int) -> PromiseToPay | None:
        return self.session.get(PromiseToPay, promise_id)

    def promise_invoices(self, promise_ids: Iterable[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        ids = list(promise_ids)
        if ids:
            query = select(PromiseInvoice.promise_id, PromiseInvoice.invoice_id).where(
                PromiseInvoice.promise_id.in_(ids)
            )
            for promise_id, invoice_id in self.session.execute(query.order_by(PromiseInvoice.invoice_id)):
                found[promise_id].append(invoice_id)
        return found

    def cash_applied(
        self, *, customer_id: int, invoice_ids: list[int], since: date, until: date, as_of: date
    ) -> int:
        """Cash applied on ``since``..``until`` to the invoices (none: any of the customer's), as
        known on ``as_of`` (an allocation reversed by then does not count)."""
        query = (
            select(func.coalesce(func.sum(Allocation.amount_minor), 0))
            .join(Invoice, Invoice.id == Allocation.invoice_id)
            .where(
                Invoice.customer_id == customer_id,
                Allocation.kind.in_(CASH_KINDS),
                Allocation.applied_on >= since,
                Allocation.applied_on <= min(until, as_of),
                or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
            )
        )
        if invoice_ids:
            query = query.where(Allocation.invoice_id.in_(invoice_ids))
        return int(self.session.scalar(query) or 0)

    def holds(self, customer_id: int) -> list[Hold]:
        query = select(Hold).where(Hold.customer_id == customer_id)
        return list(self.session.scalars(query.order_by(Hold.starts_on.desc(), Hold.id.desc())))

    def hold(self, hold_id: int) -> Hold | None:
        return self.session.get(Hold, hold_id)

    def disputes(self, customer_id: int) -> list[Dispute]:
        query = select(Dispute).where(Dispute.customer_id == customer_id)
        return list(self.session.scalars(query.order_by(Dispute.opened_on.desc(), Dispute.id.desc())))

    def dispute(self, dispute_id: int) -> Dispute | None:
        return self.session.get(Dispute, dispute_id)

    def dispute_invoices(self, dispute_ids: Iterable[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        ids = list(dispute_ids)
        if ids:
            query = select(DisputeInvoice.dispute_id, DisputeInvoice.invoice_id).where(
                DisputeInvoice.dispute_id.in_(ids)
            )
            for dispute_id, invoice_id in self.session.execute(query.order_by(DisputeInvoice.invoice_id)):
                found[dispute_id].append(invoice_id)
        return found

    def other_open_disputes(self, invoice_id: int, dispute_id: int) -> int:
        query = (
            select(func.count())
            .select_from(DisputeInvoice)
            .join(Dispute, Dispute.id == DisputeInvoice.dispute_id)
            .where(
                DisputeInvoice.invoice_id == invoice_id, Dispute.id != dispute_id, Dispute.status == "open"
            )
        )
        return int(self.session.scalar(query) or 0)

    def invoices(self, customer_id: int, invoice_ids: Iterable[int]) -> list[Invoice]:
        ids = list(invoice_ids)
        if not ids:
            return []
        query = select(Invoice).where(Invoice.customer_id == customer_id, Invoice.id.in_(ids))
        return list(self.session.scalars(query))

    def invoice_numbers(self, invoice_ids: Iterable[int]) -> dict[int, str]:
        ids = list(invoice_ids)
        if not ids:
            return {}
        return dict(self.session.execute(select(Invoice.id, Invoice.number).where(Invoice.id.in_(ids))).all())

    def open_total(self, customer_id: int) -> tuple[int, str | None]:
        query = select(
            func.coalesce(func.sum(Invoice.open_amount_minor), 0), func.max(Invoice.currency)
        ).where(Invoice.customer_id == customer_id, Invoice.open_amount_minor > 0)
        total, currency = self.session.execute(query).one()
        return int(total), currency

    def customer_currency(self, customer_id: int) -> str | None:
        return self.session.scalar(select(Customer.currency).where(Customer.id == customer_id))

    def contact(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def user(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def user_logins(self, user_ids: Iterable[int]) -> dict[int, str]:
        ids = list(user_ids)
        if not ids:
            return {}
        return dict(self.session.execute(select(User.id, User.login).where(User.id.in_(ids))).all())

    def touches_by_external_id(self, customer_ids: Iterable[int]) -> set[tuple[int, str]]:
        ids = list(customer_ids)
        if not ids:
            return set()
        found: set[tuple[int, str]] = set()
        for start in range(0, len(ids), 500):
            query = select(Touch.customer_id, Touch.external_id).where(
                Touch.customer_id.in_(ids[start : start + 500]), Touch.external_id.is_not(None)
            )
            found.update((c, e) for c, e in self.session.execute(query) if e)
        return found

    def add_all(self, rows: list[object]) -> None:
        self.session.add_all(rows)
        self.session.flush()
