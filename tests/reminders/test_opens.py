"""Email opens, when a deployment turns them on: the email carries the pixel (through a real SMTP
server), loading it records one open per hour with the recipient as actor, a forged token records
nothing and gets the same image, and the opens' local hour becomes the customer's send hour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.config import Settings
from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError
from dunwell.core.reminders import ReminderEventKind, ReminderStatus
from dunwell.dunning.send_time import in_holdout
from dunwell.orm import AuditEntry
from dunwell.orm.reminders import Reminder, ReminderEvent
from dunwell.reminders import service
from dunwell.reminders.channels import OutboundMessage
from dunwell.reminders.channels.email import EmailChannel, SmtpSettings
from dunwell.reminders.opens import PIXEL, open_token, pixel_url, record_open
from reminders.dunning_book import build_dunning_book
from reminders.smtp_sink import smtp_sink

SECRET = "a-long-enough-tracking-secret"
TRACKING = Settings(track_opens=True, public_base_url="https://ar.example.com/", tracking_secret=SECRET)
DAY = date(2026, 3, 10)


def test_opens_are_off_by_default_and_on_need_a_base_url_and_a_real_key() -> None:
    assert pixel_url(Settings()) is None
    with pytest.raises(DunwellError, match="public_base_url and a tracking_secret"):
        pixel_url(Settings(track_opens=True, tracking_secret=SECRET))
    with pytest.raises(DunwellError):
        pixel_url(Settings(track_opens=True, public_base_url="https://x.example", tracking_secret="short"))
    url = pixel_url(TRACKING)
    assert url is not None
    assert url("42") == f"https://ar.example.com/o/{open_token('42', SECRET)}.gif"


def test_a_tracked_email_has_an_html_part_with_the_pixel_and_the_same_words() -> None:
    message = OutboundMessage(key="k1", channel="email", to_address="ap@c.example", subject="Overdue",
                              body="Dear AP,\n\n<b>3 items</b> are overdue.", tracking_id="42")  # fmt: skip
    settings = SmtpSettings(host="127.0.0.1", port=0, sender="AR <ar@s.example>", security="none", timeout=5)
    with smtp_sink() as (sink, port):
        EmailChannel(
            SmtpSettings(**{**settings.__dict__, "port": port}), open_pixel=pixel_url(TRACKING)
        ).send(message)
        EmailChannel(SmtpSettings(**{**settings.__dict__, "port": port})).send(message)
    tracked, plain = sink.received
    html = tracked.get_body(("html",)).get_content()
    assert f"https://ar.example.com/o/{open_token('42', SECRET)}.gif" in html
    assert "&lt;b&gt;3 items&lt;/b&gt;" in html  # the words as text, never as markup
    assert tracked.get_body(("plain",)).get_content().startswith("Dear AP,")
    assert plain.get_body(("html",)) is None  # not tracked: text only


def _sent_reminder(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """A reminder sent to a plain customer outside the send-time holdout."""
    with sessions.begin() as session:
        book = build_dunning_book(session, day=DAY)
        service.plan_day(session, Principal.operator("test"), Settings(), as_of=DAY)
        customer_id = next(
            book.ids[n] for n in ("PLAIN0", "PLAIN1", "PLAIN2") if not in_holdout(book.ids[n], 0.10)
        )
        reminder = session.scalars(
            select(Reminder).where(Reminder.customer_id == customer_id, Reminder.channel == "email")
        ).one()
        reminder.status, reminder.sent_at = ReminderStatus.SENT, datetime(2026, 3, 10, 14, tzinfo=UTC)
        return reminder.id, customer_id


def test_loading_the_pixel_records_one_open_an_hour_and_a_forged_token_nothing(
    sessions: sessionmaker[Session], engine: Engine, database_url: str, app_factory: Callable[[str], Any]
) -> None:
    reminder_id, _ = _sent_reminder(sessions)
    app = app_factory(database_url)
    app.state.settings = TRACKING
    with TestClient(app) as client:
        good = client.get(f"/o/{open_token(str(reminder_id), SECRET)}.gif")
        again = client.get(f"/o/{open_token(str(reminder_id), SECRET)}.gif")
        forged = client.get(f"/o/{reminder_id}.{'0' * 24}.gif")
        other_key = client.get(f"/o/{open_token(str(reminder_id), 'another-secret-key')}.gif")
    for answer in (good, again, forged, other_key):
        assert answer.status_code == 200
        assert answer.content == PIXEL
        assert answer.headers["content-type"] == "image/gif"
    with sessions() as session:
        opens = session.scalars(
            select(ReminderEvent).where(
                ReminderEvent.reminder_id == reminder_id, ReminderEvent.kind == ReminderEventKind.OPENED
            )
        ).all()
        assert [o.actor for o in opens] == ["recipient"]
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "reminder.opened")).all()
    with sessions.begin() as session:  # an hour later it counts again
        later = datetime.now(UTC) + timedelta(hours=2)
        assert record_open(session, open_token(str(reminder_id), SECRET), SECRET, at=later)


def test_the_hour_of_the_opens_becomes_the_customers_send_hour(sessions: sessionmaker[Session]) -> None:
    reminder_id, customer_id = _sent_reminder(sessions)
    token = open_token(str(reminder_id), SECRET)
    with sessions.begin() as session:
        for day in (11, 12, 13):  # 15:00 in New York (EDT from 8 March), three days running
            assert record_open(session, token, SECRET, at=datetime(2026, 3, day, 19, 5, tzinfo=UTC))
    later = DAY + timedelta(days=20)
    with sessions.begin() as session:
        service.plan_day(session, Principal.operator("test"), Settings(), as_of=later)
    with sessions() as session:
        planned = session.scalars(
            select(Reminder).where(Reminder.customer_id == customer_id, Reminder.planned_on == later)
        ).first()
    assert planned is not None
    assert planned.document["send_time"] == {"arm": "chosen", "local_hour": 15}
