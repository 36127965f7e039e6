"""All SQL of the inbox: stored replies by key, state and portfolio, and what linking and accepting
read from the book (sent reminders by Message-ID, contacts by address, invoices by number)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dunwell.core.collections import Channel
from dunwell.core.documents import DocumentStatus
from dunwell.core.inbox import ReplyState
from dunwell.orm.customer import Contact, ContactChannelConsent, Customer
from dunwell.orm.inbox import ReceivedReply
from dunwell.orm.invoice import Invoice
from dunwell.orm.reminders import Reminder, ReminderItem
from dunwell.replies.classify import Intent


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- replies -------------------------------------------------------------------------------
    def stored(self, message_id: str) -> ReceivedReply | None:
        query = select(ReceivedReply).where(ReceivedReply.message_id == message_id)
        return self.session.scalars(query).first()

    def add_if_new(self, reply: ReceivedReply) -> bool:
        """Store ``reply``; False when another writer stored the same message first (its unique key)."""
        try:
            with self.session.begin_nested():
                self.session.add(reply)
        except IntegrityError:
            return False
        return True

    def reply(self, reply_id: int, *, lock: bool = False) -> ReceivedReply | None:
        query = select(ReceivedReply).where(ReceivedReply.id == reply_id)
        if lock and self.session.bind is not None and self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update()  # two people accepting at once: the second waits, then sees it
        return self.session.scalars(query).first()

    def listing(
        self, *, owners: frozenset[int] | None, state: ReplyState | None, limit: int
    ) -> list[ReceivedReply]:
        """Replies of customers owned by ``owners`` (None: every reply, unlinked ones too). Stops
        still waiting for a person come first (nothing else may wait on them), then what waits,
        then what was decided; newest first within each."""
        query = select(ReceivedReply)
        if owners is not None:
            owned = select(Customer.id).where(Customer.owner_id.in_(sorted(owners) or [-1]))
            query = query.where(ReceivedReply.customer_id.in_(owned))
        if state is not None:
            query = query.where(ReceivedReply.state == state)
        waiting = ReceivedReply.state == ReplyState.SUGGESTED
        first = case((waiting & (ReceivedReply.intent == Intent.UNSUBSCRIBE), 0), (waiting, 1), else_=2)
        query = query.order_by(first, ReceivedReply.received_at.desc(), ReceivedReply.id.desc())
        return list(self.session.scalars(query.limit(limit)))

    def flush(self) -> None:
        self.session.flush()

    # --- linking -------------------------------------------------------------------------------
    def reminder_answered(self, message_ids: Collection[str]) -> Reminder | None:
        """The reminder we sent with one of these Message-IDs (the latest sent, if several)."""
        if not message_ids:
            return None
        query = select(Reminder).where(Reminder.provider_ref.in_(list(message_ids)))
        return self.session.scalars(query.order_by(Reminder.sent_at.desc(), Reminder.id.desc())).first()

    def contacts_with_email(self, address: str, *, customer_id: int | None = None) -> list[Contact]:
        query = select(Contact).where(func.lower(Contact.email) == address.strip().lower())
        if customer_id is not None:
            query = query.where(Contact.customer_id == customer_id)
        return list(self.session.scalars(query.order_by(Contact.id)))

    def invoices_numbered(self, refs: Collection[str], *, customer_id: int | None = None) -> list[Invoice]:
        """Invoices whose number is one of ``refs`` (ignoring case: customers write "inv-7")."""
        wanted = sorted({r.strip().upper() for r in refs if r.strip()})
        if not wanted:
            return []
        query = select(Invoice).where(func.upper(Invoice.number).in_(wanted))
        if customer_id is not None:
            query = query.where(Invoice.customer_id == customer_id)
        return list(self.session.scalars(query.order_by(Invoice.id)))

    # --- what accepting reads ------------------------------------------------------------------
    def customer(self, customer_id: int) -> Customer | None:
        return self.session.get(Customer, customer_id)

    def contact(self, contact_id: int) -> Contact | None:
        return self.session.get(Contact, contact_id)

    def open_invoices(self, customer_id: int, *, ids: Collection[int] | None = None) -> list[Invoice]:
        query = select(Invoice).where(
            Invoice.customer_id == customer_id,
            Invoice.open_amount_minor > 0,
            Invoice.status != DocumentStatus.CLEARED,
        )
        if ids is not None:
            query = query.where(Invoice.id.in_(list(ids) or [-1]))
        return list(self.session.scalars(query.order_by(Invoice.due_date, Invoice.id)))

    def reminder_invoice_ids(self, reminder_id: int) -> list[int]:
        query = select(ReminderItem.invoice_id).where(ReminderItem.reminder_id == reminder_id)
        return list(self.session.scalars(query.order_by(ReminderItem.invoice_id)))

    def any_currency(self, customer_id: int) -> str | None:
        """A currency the customer trades in: its own, else that of its latest invoice."""
        own = self.session.scalar(select(Customer.currency).where(Customer.id == customer_id))
        if own:
            return own
        query = select(Invoice.currency).where(Invoice.customer_id == customer_id)
        return self.session.scalars(query.order_by(Invoice.issue_date.desc(), Invoice.id.desc())).first()

    def opted_out_of_email(self, contact_id: int) -> bool:
        query = select(ContactChannelConsent.id).where(
            ContactChannelConsent.contact_id == contact_id,
            ContactChannelConsent.channel == Channel.EMAIL,
            ContactChannelConsent.opted_out_at.is_not(None),  # consenting again clears it
        )
        return self.session.scalars(query).first() is not None
