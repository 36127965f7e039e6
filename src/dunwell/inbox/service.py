"""The inbox for the edges: the replies a principal may see, and a person accepting a reply's
suggestion (which creates the promise, dispute, hold or contact it suggests) or rejecting it with a
reason. Every decision is audited with its author; a reply is decided once.

A collector sees the replies of their portfolio's customers; managers (and everyone without a
portfolio limit) see all of them, the unlinked ones too, and link those by accepting them with a
customer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.inbox import LinkedBy, ReplyState
from dunwell.customers.contacts import contact_for
from dunwell.customers.service import require_customer
from dunwell.inbox import acting
from dunwell.inbox.acting import ReplyEdits, invalid
from dunwell.inbox.repository import InboxRepository
from dunwell.inbox.stops import apply_stop
from dunwell.kit.audit import record
from dunwell.orm.inbox import ReceivedReply
from dunwell.replies import Intent


class Action(Protocol):
    def __call__(
        self, session: Session, principal: Principal, reply: ReceivedReply, edits: ReplyEdits, *, today: date
    ) -> dict[str, Any]: ...


#: What accepting does per intent; a stop is applied by ``stops.apply_stop`` (it needs a contact).
ACTIONS: dict[Intent, Action] = {
    Intent.PROMISE_TO_PAY: acting.promise,
    Intent.DISPUTE: acting.dispute,
    Intent.OUT_OF_OFFICE: acting.hold_until_back,
    Intent.WRONG_CONTACT: acting.change_contact,
    Intent.ALREADY_PAID: acting.search_hint,
    Intent.INVOICE_COPY_REQUEST: acting.handled,
    Intent.QUESTION: acting.handled,
    Intent.OTHER: acting.handled,
}


def list_replies(
    session: Session, principal: Principal, state: str | None = None, *, limit: int = 200
) -> list[ReceivedReply]:
    wanted = _state(state) if state else None
    return InboxRepository(session).listing(owners=principal.portfolio, state=wanted, limit=limit)


def reply(session: Session, principal: Principal, reply_id: int, *, lock: bool = False) -> ReceivedReply:
    """The reply, if the principal may see it (else, like a customer outside the portfolio, not found)."""
    found = InboxRepository(session).reply(reply_id, lock=lock)
    if found is None or (found.customer_id is None and principal.portfolio is not None):
        raise _not_found(reply_id)
    if found.customer_id is not None:
        try:
            require_customer(session, principal, found.customer_id)
        except DunwellError as error:
            raise _not_found(reply_id) from error
    return found


def accept(
    session: Session,
    principal: Principal,
    reply_id: int,
    edits: ReplyEdits | None = None,
    *,
    today: date | None = None,
) -> ReceivedReply:
    """Do what the reply suggests (see ``acting``); a stop that waited for its contact is applied."""
    principal.require_write()
    edits = edits or ReplyEdits()
    found = reply(session, principal, reply_id, lock=True)
    _undecided(found)
    if edits.customer_id is not None and edits.customer_id != found.customer_id:
        _link_by_hand(session, principal, found, edits.customer_id)
    if found.customer_id is None:
        raise invalid(
            f"reply {found.id} is not linked to a customer: accept it with the customer's id "
            f"(--customer ID){f'; {found.attention}' if found.attention else ''}",
            "reply_unlinked",
        )
    require_customer(session, principal, found.customer_id, write=True)
    if edits.contact_id is not None:
        contact_for(session, found.customer_id, edits.contact_id)  # another customer's: not found
        found.contact_id = edits.contact_id
    now = datetime.now(UTC)
    if found.intent is Intent.UNSUBSCRIBE:
        if found.contact_id is None:
            raise invalid("say which contact asked to stop (their contact id)", "no_contact")
        outcome = apply_stop(session, principal, found, found.contact_id, now=now)
    else:
        day = today or date.today()  # noqa: DTZ011 - the book's own day
        outcome = ACTIONS[found.intent](session, principal, found, edits, today=day)
    _decide(session, principal, found, ReplyState.ACCEPTED, now, outcome=outcome)
    return found


def reject(session: Session, principal: Principal, reply_id: int, reason: str) -> ReceivedReply:
    """The suggestion is wrong (a misread intent, someone else's mail): nothing is done, and why is kept."""
    principal.require_write()
    found = reply(session, principal, reply_id, lock=True)
    _undecided(found)
    if found.customer_id is not None:
        require_customer(session, principal, found.customer_id, write=True)
    if not reason.strip():
        raise invalid("say why the suggestion is rejected (the reason)", "no_reason")
    _decide(session, principal, found, ReplyState.REJECTED, datetime.now(UTC), note=reason.strip())
    return found


def _link_by_hand(session: Session, principal: Principal, found: ReceivedReply, customer_id: int) -> None:
    require_customer(session, principal, customer_id, write=True)
    repo = InboxRepository(session)
    writer = repo.contacts_with_email(found.sender, customer_id=customer_id) if found.sender else []
    found.customer_id, found.linked_by = customer_id, LinkedBy.BY_HAND
    found.reminder_id = None  # a reminder of the customer it was wrongly tied to, if any
    found.contact_id = writer[0].id if writer else None
    repo.flush()


def _undecided(found: ReceivedReply) -> None:
    if found.state is ReplyState.APPLIED_AT_ONCE:
        raise DunwellError(
            f"reply {found.id} was a stop, applied when it arrived: to undo it, record the contact's "
            "consent again",
            code="stop_applied",
            kind=ErrorKind.CONFLICT,
        )
    if found.state is not ReplyState.SUGGESTED:
        raise DunwellError(
            f"reply {found.id} was already {found.state.value} by {found.decided_by}",
            code="reply_decided",
            kind=ErrorKind.CONFLICT,
        )


def _decide(
    session: Session,
    principal: Principal,
    found: ReceivedReply,
    state: ReplyState,
    at: datetime,
    *,
    outcome: dict[str, Any] | None = None,
    note: str | None = None,
) -> None:
    found.state, found.decided_by, found.decided_at = state, principal.actor, at
    found.decision_note, found.attention = note, None
    if outcome is not None:
        found.outcome = outcome
    InboxRepository(session).flush()
    record(
        session,
        actor=principal.actor,
        action=f"reply.{state.value}",
        subject_type="reply",
        subject_id=found.id,
        details={
            "message_id": found.message_id,
            "intent": found.intent.value,
            "customer_id": found.customer_id,
            "linked_by": found.linked_by.value,
            "outcome": outcome or {},
            "reason": note,
        },
    )


def _state(value: str) -> ReplyState:
    try:
        return ReplyState(value)
    except ValueError:
        names = ", ".join(s.value for s in ReplyState)
        raise invalid(f"state must be one of {names}, not {value!r}", "bad_state") from None


def _not_found(reply_id: int) -> DunwellError:
    return DunwellError(f"no reply {reply_id}", code="reply_not_found", kind=ErrorKind.NOT_FOUND)
