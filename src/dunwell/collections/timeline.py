"""A customer's touches, promises, holds and disputes as timeline events (newest first)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from dunwell.collections import disputes, service
from dunwell.core.access import Principal
from dunwell.customers.service import TimelineEvent


def collections_timeline(
    session: Session, principal: Principal, customer_id: int, *, today: date
) -> list[TimelineEvent]:
    events = [
        TimelineEvent(
            day=t.occurred_at.date(),
            kind="touch",
            title=(
                f"{t.channel.value.capitalize()} ({t.direction.value}"
                f"{', ' + t.tone.value if t.tone else ''}): {_words(t.outcome.value)}"
            ),
            detail=t.note or "",
        )
        for t in service.touches(session, principal, customer_id)
    ]
    for view in service.promises(session, principal, customer_id, as_of=today):
        events.append(
            TimelineEvent(
                day=view.promise.made_on,
                kind="promise",
                title=f"Promise to pay by {view.promise.promised_date}: {_words(view.status.value)}",
                detail=f"recorded by {view.promise.recorded_by}",
                amount_minor=view.promise.amount_minor,
                currency=view.promise.currency,
            )
        )
    for hold in service.holds(session, principal, customer_id):
        released = f", released by {hold.released_by}" if hold.released_at else ""
        events.append(
            TimelineEvent(
                day=hold.starts_on,
                kind="hold",
                title=f"Hold ({hold.reason.value}) until {hold.ends_on.isoformat()}",
                detail=f"by {hold.created_by}{released}",
            )
        )
    for found in disputes.disputes(session, principal, customer_id):
        d = found.dispute
        events.append(
            TimelineEvent(
                day=d.opened_on,
                kind="dispute",
                title=f"Dispute ({d.category.value.replace('_', ' ')}): {d.status.value.replace('_', ' ')}",
                detail=d.resolution or d.description or "",
                amount_minor=d.amount_minor,
                currency=d.currency,
            )
        )
    return events


def _words(value: str) -> str:
    return value.replace("_", " ")
