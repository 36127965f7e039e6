"""Whether a customer may already have paid: the check dunning makes before sending a reminder.

A reminder for an invoice the customer paid last week, where the cash sits unapplied, is the
complaint collectors hear most. So a customer counts as having recent unapplied cash when a
payment identified to it still has unapplied cash, or when a payment waiting for review names it
among its candidates, and that payment arrived within the last ``days`` days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy.orm import Session

from dunwell.cashapp.repository import CashAppRepository


def customers_with_recent_unapplied_cash(
    session: Session, *, days: int, as_of: date, customer_ids: Iterable[int] | None = None
) -> set[int]:
    """The customers (of ``customer_ids``, or all) with unapplied cash received in
    ``[as_of - days, as_of]``."""
    repo = CashAppRepository(session)
    since, wanted = as_of - timedelta(days=days), None if customer_ids is None else set(customer_ids)
    found = repo.customers_with_unapplied_cash(since=since, until=as_of, customer_ids=wanted)
    for candidates in repo.open_candidate_lists(since=since, until=as_of):
        found.update(c["customer_id"] for c in candidates if c.get("customer_id") is not None)
    return found if wanted is None else found & wanted


def has_recent_unapplied_cash(session: Session, customer_id: int, *, days: int, as_of: date) -> bool:
    return customer_id in customers_with_recent_unapplied_cash(
        session, days=days, as_of=as_of, customer_ids=[customer_id]
    )
