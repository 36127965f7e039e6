"""A customer accepts the instalment plan a reminder offered (issue 18).

The offer is what the sent reminder showed (its document's ``plan``) over the items it listed that
are still open. Accepting it as offered needs the items' open total to be what it was; when the
customer paid something since, or agreed different dates, the person gives the instalments, and the
policy's limits of the step that made the offer still bound them. The plan itself, its promises and
how they are judged live in ``collections.payment_plans``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from dunwell.collections.payment_plans import PlanInput, PlanView, accept_plan
from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.reminders import ReminderStatus
from dunwell.customers.service import require_customer
from dunwell.dunning.payment_plans import Instalment
from dunwell.dunning.policy import PaymentPlanLimits, PolicyBook
from dunwell.reminders.repository import OutboxRepository
from dunwell.reminders.service import policy_book, policy_for, reminder

#: The offer reached the customer (an unconfirmed send may well have: a person judges).
OFFER_DELIVERED = {ReminderStatus.SENT, ReminderStatus.UNCONFIRMED}


def customer_plan_limits(
    session: Session, principal: Principal, settings: Settings, customer_id: int, *, as_of: date
) -> PaymentPlanLimits | None:
    """The plan limits of the policy the customer gets (none: that policy offers no plans)."""
    require_customer(session, principal, customer_id)
    customer = OutboxRepository(session).customer(customer_id)
    if customer is None:  # require_customer found it: only a concurrent delete gets here
        return None
    chosen = policy_for(session, principal, settings, customer_ref=customer.external_id, as_of=as_of)
    found = policy_book(settings).policies.get(chosen["policy"])
    return found.payment_plan if found is not None else None


def offered_instalments(document: dict[str, object]) -> tuple[Instalment, ...]:
    """The instalments a reminder's document offered (none: it offered no plan)."""
    offered = document.get("plan") or []
    if not isinstance(offered, list):
        return ()
    return tuple(Instalment(date.fromisoformat(part["date"]), int(part["amount_minor"])) for part in offered)


def accept_offer(
    session: Session,
    principal: Principal,
    book: PolicyBook,
    reminder_id: int,
    *,
    accepted_on: date,
    instalments: tuple[Instalment, ...] | None = None,
) -> PlanView:
    """Record that the customer accepted the reminder's plan (as offered, or with ``instalments``
    a person agreed with them): one promise per instalment, and the ladder pauses the items."""
    found = reminder(session, principal, reminder_id).reminder
    offered = offered_instalments(found.document)
    if not offered:
        raise DunwellError(
            f"reminder {reminder_id} offered no payment plan",
            code="no_plan_offered",
            kind=ErrorKind.CONFLICT,
        )
    if found.status not in OFFER_DELIVERED:
        raise DunwellError(
            f"reminder {reminder_id} is {found.status.value}: its offer has not reached the customer",
            code="offer_not_sent",
            kind=ErrorKind.CONFLICT,
        )
    policy = book.policies.get(found.policy)
    limits = policy.payment_plan if policy is not None else None
    listed = [
        invoice_id for invoice_id, _step in OutboxRepository(session).items([found.id]).get(found.id, [])
    ]
    still_open = OutboxRepository(session).open_invoice_ids(listed)
    if not still_open:
        raise DunwellError(
            "every item the offer covered is paid or closed: there is nothing left to plan",
            code="nothing_to_plan",
            kind=ErrorKind.CONFLICT,
        )
    data = PlanInput(
        instalments=instalments or offered,
        invoice_ids=tuple(still_open),
        accepted_on=accepted_on,
        reminder_id=found.id,
        contact_id=found.contact_id,
    )
    try:
        return accept_plan(session, principal, found.customer_id, data, limits=limits)
    except DunwellError as error:
        if instalments is None and error.code == "bad_plan":
            raise DunwellError(
                f"{error.message} (the offer was for the items as they stood on {found.planned_on}: "
                "give the instalments agreed with the customer)",
                code=error.code,
                kind=error.kind,
            ) from error
        raise
