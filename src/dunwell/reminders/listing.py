"""What the Dunning and Approvals pages, the customer page and the API read from the outbox, always
within the reader's portfolio: a day's plan and skips, the recent outcomes (with the rule behind a
block), one customer's reminders and skips, and the customer names the outbox does not keep."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.orm.reminders import Reminder, ReminderSkip
from dunwell.reminders.book_repository import DunningBookRepository
from dunwell.reminders.repository import OutboxRepository

#: Days a plan can be asked for: outside them a date is a typo, not a day of the book.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
#: The codes a planner gives when a person must approve a message (planner_values' approval reasons).
APPROVAL_CODES = frozenset({"amount_over", "strategic", "legal_language", "model_draft"})
#: What the sender finished with (or stopped at): the Dunning page's history.
OUTCOME_STATUSES = (
    ReminderStatus.SENT,
    ReminderStatus.FAILED,
    ReminderStatus.BLOCKED,
    ReminderStatus.UNCONFIRMED,
)
RECENT_OUTCOMES = 50


def today() -> date:
    return date.today()  # noqa: DTZ011 - the book's own day, as on the Today page


def parse_day(value: str | None) -> date:
    """A ``YYYY-MM-DD`` from a page's query string (none: today); anything else is refused."""
    if not value:
        return today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise DunwellError(
            f"{value!r} is not a day (YYYY-MM-DD)", code="bad_day", kind=ErrorKind.INVALID
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DunwellError(f"{value} is out of range", code="bad_day", kind=ErrorKind.INVALID)
    return day


@dataclass(frozen=True)
class Outcome:
    reminder: Reminder
    #: Why it ended there: the rule and reason of a block, the error of a failure.
    rule: str | None
    detail: str | None


@dataclass(frozen=True)
class SkipGroup:
    code: str
    skips: list[ReminderSkip]


def visible_customers(session: Session, principal: Principal) -> frozenset[int] | None:
    """The customer ids a collector may see; None for those who see everyone."""
    if principal.portfolio is None:
        return None
    return frozenset(DunningBookRepository(session).customers(principal.portfolio))


def customer_names(session: Session, customer_ids: set[int]) -> dict[int, str]:
    if not customer_ids:
        return {}
    found = DunningBookRepository(session).customers(None, only=customer_ids)
    return {customer_id: record.name for customer_id, record in found.items()}


def reminders(
    session: Session,
    principal: Principal,
    *,
    statuses: list[ReminderStatus] | None = None,
    day: date | None = None,
) -> list[Reminder]:
    """Reminders planned on ``day`` (any day when None), in ``statuses`` (any when None)."""
    visible = visible_customers(session, principal)
    outbox = OutboxRepository(session)
    if day is None:
        return outbox.by_status(statuses or list(ReminderStatus), customers=visible)
    planned = outbox.planned_on(day, customers=visible)
    return [r for r in planned if statuses is None or r.status in statuses]


def skips(session: Session, principal: Principal, day: date) -> list[ReminderSkip]:
    return OutboxRepository(session).skips(day, customers=visible_customers(session, principal))


def skips_by_code(found: list[ReminderSkip]) -> list[SkipGroup]:
    """The day's skips grouped by reason code, the most frequent code first."""
    ordered = sorted(found, key=lambda s: (s.code, s.customer_id, s.id))
    groups = [SkipGroup(code, list(rows)) for code, rows in groupby(ordered, key=lambda s: s.code)]
    return sorted(groups, key=lambda g: (-len(g.skips), g.code))


def recent_outcomes(session: Session, principal: Principal) -> list[Outcome]:
    """The latest sent, failed, blocked and unconfirmed reminders, each with why it ended there."""
    outbox = OutboxRepository(session)
    found = outbox.by_status(
        OUTCOME_STATUSES, customers=visible_customers(session, principal), limit=RECENT_OUTCOMES
    )
    outcomes = []
    for reminder in found:
        if reminder.status is ReminderStatus.BLOCKED:
            # Only blocks need their events read: the rule is kept on the event, not the row.
            blocks = [e for e in outbox.events(reminder.id) if e.kind is ReminderEventKind.BLOCKED]
            last = blocks[-1] if blocks else None
            outcomes.append(Outcome(reminder, last.rule if last else None, last.detail if last else None))
        else:
            outcomes.append(Outcome(reminder, None, reminder.last_error))
    return outcomes


def for_customer(
    session: Session, principal: Principal, customer_id: int
) -> tuple[list[Reminder], list[ReminderSkip]]:
    """Every reminder planned for a customer, and every skip, newest first (portfolio-checked)."""
    outbox = OutboxRepository(session)
    customer = outbox.customer(customer_id)
    if customer is None:
        raise DunwellError("customer not found", code="customer_not_found", kind=ErrorKind.NOT_FOUND)
    principal.require_customer(customer.owner_id)
    return outbox.for_customer(customer_id), outbox.skips_for_customer(customer_id)


def approval_reasons(reminder: Reminder) -> list[dict[str, str]]:
    """Why a reminder waits for a person: the planner's approval reasons (its other reasons say
    why it was planned)."""
    return [r for r in reminder.reasons if r.get("code") in APPROVAL_CODES]
