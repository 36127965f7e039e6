"""A stop is honoured when it arrives (both databases): the contact is opted out of e-mail by the
consent service and exactly one confirmation is queued in the outbox, never a second one; the
sender and the compliance guard let that confirmation, and nothing else, through the opt-out. A
stop no contact can be found for waits for a person, first in the list."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.inbox import ReplyState
from dunwell.core.reminders import ReminderStatus
from dunwell.dunning.compliance import Case, Channel, Debtor, Ledger, ProposedAction, decide
from dunwell.inbox import service
from dunwell.inbox.acting import ReplyEdits
from dunwell.inbox.ingesting import ingest
from dunwell.orm import AuditEntry, ContactChannelConsent, ReceivedReply, Reminder
from dunwell.reminders.channels import FakeChannel
from dunwell.reminders.confirmations import OPT_OUT_CONFIRMATION
from dunwell.reminders.guarding import guard
from dunwell.reminders.sending import send_due
from inbox.inbox_book import ADMIN, NOW, SENT_REMINDER_ID, eml, make_book, make_sent_reminder, raw

STOP = eml("Please unsubscribe me.", in_reply_to=SENT_REMINDER_ID, message_id="<stop-1@client.example>")


def _confirmations(session: Session) -> list[Reminder]:
    return list(session.scalars(select(Reminder).where(Reminder.step == OPT_OUT_CONFIRMATION)))


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_stop_opts_the_contact_out_at_once_and_queues_one_confirmation(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        book = make_book(session)
        make_sent_reminder(session, book)
        report = ingest(session, ADMIN, [raw("stop.eml", STOP)], now=NOW)
        contact_id = book.contact.id

    with sessions.begin() as session:
        (reply,) = session.scalars(select(ReceivedReply)).all()
        consent = session.scalars(select(ContactChannelConsent)).one()
        (confirmation,) = _confirmations(session)
        assert report.files[0].state == "applied_at_once"
        assert (reply.state, reply.decided_by) == (ReplyState.APPLIED_AT_ONCE, "inbox-test")
        assert reply.outcome == {
            "opted_out_contact_id": contact_id,
            "channel": "email",
            "confirmation_reminder_id": confirmation.id,
        }
        assert (consent.contact_id, consent.channel.value, consent.consented) == (contact_id, "email", False)
        assert consent.opted_out_at is not None
        assert consent.source == "reply <stop-1@client.example>"
        assert consent.given_by == "Accounts payable <ap@client.example>"
        assert (confirmation.status, confirmation.to_address, confirmation.contact_id) == (
            ReminderStatus.QUEUED, "ap@client.example", contact_id,
        )  # fmt: skip
        assert confirmation.body == "As you asked, we will send no more e-mails to ap@client.example."
        assert confirmation.total_minor == 0
        assert {"contact.opted_out", "reminder.planned", "reply.stop_applied"} <= set(_actions(session))

    # The same message again, and a second stop from the same contact: no second confirmation.
    with sessions.begin() as session:
        again = ingest(session, ADMIN, [raw("stop.eml", STOP)], now=NOW)
        another = eml("STOP", in_reply_to=SENT_REMINDER_ID, message_id="<stop-2@client.example>")
        second = ingest(session, ADMIN, [raw("stop-2.eml", another)], now=NOW)
        second_reply = session.scalars(
            select(ReceivedReply).where(ReceivedReply.id == second.files[0].reply_id)
        ).one()

        assert again.files[0].status.value == "already_stored"
        assert len(_confirmations(session)) == 1
        assert second_reply.state is ReplyState.APPLIED_AT_ONCE
        assert second_reply.outcome == {
            "opted_out_contact_id": contact_id,
            "channel": "email",
            "already_opted_out": True,
        }
        assert _actions(session).count("contact.opted_out") == 1


def test_the_confirmation_goes_through_the_opt_out_it_confirms_and_nothing_else_does(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        book = make_book(session)
        reminder = make_sent_reminder(session, book, provider_ref="<earlier@ar.example>")
        ingest(session, ADMIN, [raw("stop.eml", eml("STOP", in_reply_to="<earlier@ar.example>"))], now=NOW)
        # A reminder queued for the same contact after the stop: the guard must block it.
        reminder.status, reminder.provider_ref, reminder.send_after = ReminderStatus.QUEUED, None, NOW
        reminder_id = reminder.id

    channel = FakeChannel()
    report = send_due(sessions, channels={"email": channel}, guard=guard, now=lambda: NOW)
    again = send_due(sessions, channels={"email": channel}, guard=guard, now=lambda: NOW)

    assert (report.sent, report.blocked, again.sent) == (1, 1, 0)
    (sent,) = channel.sent
    assert sent.key.startswith(f"{OPT_OUT_CONFIRMATION}:reply:")
    assert (sent.to_address, sent.attachments, sent.tracking_id) == ("ap@client.example", (), None)
    with sessions.begin() as session:
        blocked = session.get(Reminder, reminder_id)
        assert blocked is not None
        assert blocked.status is ReminderStatus.BLOCKED
        assert _confirmations(session)[0].status is ReminderStatus.SENT


def test_the_guard_lets_only_a_confirmation_of_an_electronic_opt_out_through() -> None:
    at = datetime(2027, 3, 10, 15, tzinfo=UTC)
    debtor = Debtor(time_zones=(ZoneInfo("UTC"),), opted_out_channels=frozenset({Channel.EMAIL}))

    def rules(channel: Channel, *, confirms: bool, ledger: Ledger = Ledger.COMMERCIAL) -> set[str]:
        action = ProposedAction(at=at, channel=channel, to_work_address=False, includes_opt_out_notice=False,
                                confirms_opt_out=confirms)  # fmt: skip
        return {b.rule for b in decide(Case(ledger, debtor, (), action)).blocked_by}

    assert rules(Channel.EMAIL, confirms=True) == set()
    assert rules(Channel.EMAIL, confirms=False) == {"B2B-OPTOUT-1"}
    assert "RF-MEDIA-1" not in rules(Channel.EMAIL, confirms=True, ledger=Ledger.CONSUMER)
    assert "RF-MEDIA-1" in rules(Channel.EMAIL, confirms=False, ledger=Ledger.CONSUMER)
    # A confirmation on a channel the person did not opt out of, or a letter, gains nothing.
    letter_out = Debtor(time_zones=(ZoneInfo("UTC"),), opted_out_channels=frozenset({Channel.LETTER}))
    letter = ProposedAction(at=at, channel=Channel.LETTER, confirms_opt_out=True)
    assert {b.rule for b in decide(Case(Ledger.COMMERCIAL, letter_out, (), letter)).blocked_by} == {
        "B2B-OPTOUT-1"
    }


def test_a_stop_no_contact_can_be_found_for_waits_first_in_the_list_until_a_person_links_it(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        book = make_book(session)
        ingest(session, ADMIN, [
            raw("1.eml", eml("We will pay next Friday.", message_id="<promise@client.example>")),
            raw("2.eml", eml("Please unsubscribe me.", sender="jane@client.example", message_id="<stop@x>")),
        ], now=NOW)  # fmt: skip

        listed = service.list_replies(session, ADMIN)
        stop = listed[0]
        assert (stop.intent.value, stop.state, stop.customer_id) == (
            "unsubscribe",
            ReplyState.SUGGESTED,
            None,
        )
        assert (stop.attention or "").startswith("a stop request not tied to a contact")
        assert session.scalars(select(ContactChannelConsent)).all() == []
        assert _confirmations(session) == []

        by_hand = ReplyEdits(customer_id=book.customer.id, contact_id=book.contact.id)
        accepted = service.accept(session, ADMIN, stop.id, by_hand)

        assert (accepted.state, accepted.linked_by.value, accepted.attention) == (
            ReplyState.ACCEPTED,
            "by_hand",
            None,
        )
        assert session.scalars(select(ContactChannelConsent)).one().opted_out_at is not None
        assert len(_confirmations(session)) == 1
