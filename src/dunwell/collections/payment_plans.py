"""Accepted payment plans: one promise to pay per instalment over the same items (issue 18).

A plan is accepted from a reminder's offer (``reminders.service.accept_offer``) or agreed on a call
and recorded by a person. Its instalments are ordinary promises, shown and judged like any other,
with one difference: each is judged against everything due by its day, on the cash the plan's
items received since the plan was accepted (``service.promise_status``). The plan is ``active``
while every instalment judged so far was kept; the dunning ladder pauses its items while it is
(``live_plans``), and resumes on them the day an instalment is not kept.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate, pairwise

from sqlalchemy.orm import Session

from dunwell.collections.repository import CollectionsRepository
from dunwell.collections.service import (
    GRACE_DAYS,
    invalid,
    invoices_currency,
    open_invoices,
    promise_status,
)
from dunwell.core.access import Principal
from dunwell.core.collections import PaymentPlanStatus, PromiseStatus, plan_status
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import Money, decimal_to_minor
from dunwell.customers.service import require_customer
from dunwell.dunning.payment_plans import Instalment, plan_problems
from dunwell.dunning.policy import PaymentPlanLimits
from dunwell.kit.audit import record
from dunwell.orm.collections import PaymentPlan, PromiseInvoice, PromiseToPay


@dataclass(frozen=True, slots=True)
class PlanInput:
    instalments: tuple[Instalment, ...]
    invoice_ids: tuple[int, ...]
    accepted_on: date
    reminder_id: int | None = None
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class InstalmentView:
    promise_id: int
    due_date: date
    amount_minor: int
    status: PromiseStatus
    paid_minor: int
    judged_on: date


@dataclass(frozen=True, slots=True)
class PlanView:
    plan: PaymentPlan
    invoice_ids: list[int]
    instalments: list[InstalmentView]
    status: PaymentPlanStatus  # as of the day asked, computed from the cash applied


def accept_plan(
    session: Session,
    principal: Principal,
    customer_id: int,
    data: PlanInput,
    *,
    limits: PaymentPlanLimits | None,
) -> PlanView:
    """Record an accepted plan and one promise per instalment (audited). The instalments must add
    up to the items' open total today; with a policy's ``limits`` they must also respect them."""
    require_customer(session, principal, customer_id, write=True)
    repo = CollectionsRepository(session)
    if not data.invoice_ids:
        raise invalid("a payment plan covers at least one open invoice", "no_invoices")
    invoices = open_invoices(repo, customer_id, data.invoice_ids, what="payment plan")
    currency = invoices_currency(repo, customer_id, invoices, None)
    total = sum(i.open_amount_minor for i in invoices)
    problems = _problems(data, total_minor=total, currency=currency, limits=limits)
    if problems:
        raise invalid("the payment plan cannot be accepted: " + "; ".join(problems), "bad_plan")
    taken = repo.items_in_live_plans(customer_id, data.invoice_ids)
    if taken:
        numbers = repo.invoice_numbers(taken)
        raise DunwellError(
            "already in an active payment plan: " + ", ".join(numbers.get(i, str(i)) for i in taken),
            code="already_in_plan",
            kind=ErrorKind.CONFLICT,
        )
    plan = PaymentPlan(
        customer_id=customer_id,
        currency=currency,
        total_minor=total,
        accepted_on=data.accepted_on,
        reminder_id=data.reminder_id,
        status=PaymentPlanStatus.ACTIVE,
        recorded_by=principal.actor,
    )
    repo.add(plan)
    due_by = accumulate(part.amount_minor for part in data.instalments)
    promises = []
    for part, cumulative in zip(data.instalments, due_by, strict=True):
        promise = PromiseToPay(
            customer_id=customer_id,
            invoice_id=invoices[0].id if len(invoices) == 1 else None,
            contact_id=data.contact_id,
            made_on=data.accepted_on,
            promised_date=part.due_date,
            currency=currency,
            amount_minor=part.amount_minor,
            status=PromiseStatus.OPEN,
            recorded_by=principal.actor,
            plan_id=plan.id,
            plan_cumulative_minor=cumulative,
        )
        repo.add(promise)
        promises.append(promise)
    repo.add_all([PromiseInvoice(promise_id=p.id, invoice_id=i.id) for p in promises for i in invoices])
    record(
        session,
        actor=principal.actor,
        action="payment_plan.accepted",
        subject_type="customer",
        subject_id=customer_id,
        details={
            "plan_id": plan.id,
            "reminder_id": data.reminder_id,
            "currency": currency,
            "total_minor": total,
            "invoice_ids": [i.id for i in invoices],
            "instalments": [
                {"promise_id": p.id, "date": p.promised_date.isoformat(), "amount_minor": p.amount_minor}
                for p in promises
            ],
        },
    )
    return _view(repo, plan, promises, [i.id for i in invoices], as_of=data.accepted_on)


def plans(session: Session, principal: Principal, customer_id: int, *, as_of: date) -> list[PlanView]:
    """The customer's plans with each instalment's status as of ``as_of`` (reading never writes)."""
    require_customer(session, principal, customer_id)
    repo = CollectionsRepository(session)
    found = repo.plans(customer_id)
    instalments = repo.instalments(p.id for p in found)
    links = repo.promise_invoices(p.id for parts in instalments.values() for p in parts[:1])
    views = []
    for plan in found:
        parts = instalments.get(plan.id, [])
        items = links.get(parts[0].id, []) if parts else []
        views.append(_view(repo, plan, parts, items, as_of=as_of))
    return views


def live_plans(
    session: Session, customer_ids: Collection[int], *, as_of: date
) -> dict[int, list[tuple[frozenset[int], bool]]]:
    """Per customer, every plan not cancelled and accepted by ``as_of``: its items and whether it
    is being kept on that day (judged from the cash applied, not the stored status, which only
    ``refresh-promises`` writes)."""
    repo = CollectionsRepository(session)
    found = repo.plans_to_judge(customer_ids, accepted_by=as_of)
    instalments = repo.instalments(p.id for p in found)
    links = repo.promise_invoices(p.id for parts in instalments.values() for p in parts[:1])
    result: dict[int, list[tuple[frozenset[int], bool]]] = {}
    for plan in found:
        parts = instalments.get(plan.id, [])
        if not parts:
            continue
        items = links.get(parts[0].id, [])
        status = plan_status([promise_status(repo, p, items, as_of=as_of)[0] for p in parts])
        if status is PaymentPlanStatus.COMPLETED:
            continue
        result.setdefault(plan.customer_id, []).append((frozenset(items), status is PaymentPlanStatus.ACTIVE))
    return result


def plan_currency(
    session: Session, principal: Principal, customer_id: int, invoice_ids: tuple[int, ...]
) -> str:
    """The currency of a plan over these open invoices (to read the instalments' amounts in)."""
    require_customer(session, principal, customer_id)
    repo = CollectionsRepository(session)
    return invoices_currency(
        repo, customer_id, open_invoices(repo, customer_id, invoice_ids, what="payment plan"), None
    )


def instalments_from_text(values: Sequence[str], currency: str) -> tuple[Instalment, ...]:
    """``["2027-01-15=500.00", ...]`` (a date and an amount in the currency's major unit)."""
    parts = []
    for value in values:
        day, sep, amount = value.partition("=")
        if not sep:
            raise invalid(f"instalment {value!r}: write DATE=AMOUNT, e.g. 2027-01-15=500.00", "bad_plan")
        try:
            minor = decimal_to_minor(Decimal(amount.strip()), currency)
            parts.append(Instalment(date.fromisoformat(day.strip()), minor))
        except (ValueError, ArithmeticError) as exc:
            raise invalid(f"instalment {value!r}: {exc}", "bad_plan") from exc
    return tuple(parts)


def _problems(
    data: PlanInput, *, total_minor: int, currency: str, limits: PaymentPlanLimits | None
) -> list[str]:
    if limits is not None:
        return plan_problems(
            data.instalments,
            total_minor=total_minor,
            currency=currency,
            offer_day=data.accepted_on,
            limits=limits,
        )
    # Agreed by a person with no policy to bound it: only what makes it a plan at all.
    problems = []
    if len(data.instalments) < 2:
        problems.append("a plan has at least 2 instalments")
    if sum(i.amount_minor for i in data.instalments) != total_minor:
        problems.append(f"the instalments do not add up to {Money.from_minor(total_minor, currency)}")
    if any(i.amount_minor <= 0 for i in data.instalments):
        problems.append("every instalment is above zero")
    if any(later.due_date <= earlier.due_date for earlier, later in pairwise(data.instalments)):
        problems.append("instalment dates must each come after the one before")
    if data.instalments and data.instalments[0].due_date < data.accepted_on:
        problems.append(
            f"the first instalment falls before the day the plan is accepted ({data.accepted_on})"
        )
    return problems


def _view(
    repo: CollectionsRepository,
    plan: PaymentPlan,
    parts: Sequence[PromiseToPay],
    items: list[int],
    *,
    as_of: date,
) -> PlanView:
    views = []
    for promise in parts:
        status, paid = promise_status(repo, promise, items, as_of=as_of)
        views.append(
            InstalmentView(
                promise.id,
                promise.promised_date,
                promise.amount_minor,
                status,
                paid,
                promise.promised_date + timedelta(days=GRACE_DAYS),
            )
        )
    judged = (
        PaymentPlanStatus.CANCELLED
        if plan.status is PaymentPlanStatus.CANCELLED
        else plan_status([v.status for v in views])
    )
    return PlanView(plan, items, views, judged)
