"""Email opens (``settings.track_opens``, off by default): a signed token per reminder in the URL
of a 1x1 image, and the open it records. An open is a ``ReminderEvent`` of kind ``opened`` (the
recipient as its actor; at most one an hour per reminder: mail clients reload images) and its
hour counts towards the customer's send hour like their own calls and messages."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from dunwell.config import Settings
from dunwell.core.errors import DunwellError
from dunwell.core.reminders import ReminderEventKind
from dunwell.kit.audit import record
from dunwell.reminders.repository import OutboxRepository

#: The smallest transparent GIF, returned for every token (a wrong one learns nothing).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
#: Mail clients and proxies fetch an image again when the message is reopened or scrolled.
REOPEN_GAP = timedelta(hours=1)
OPENER = "recipient"


def open_token(reminder_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), f"open:{reminder_id}".encode(), hashlib.sha256).hexdigest()[:24]
    return f"{reminder_id}.{mac}"


def token_reminder(token: str, secret: str) -> int | None:
    """The reminder a token was signed for (none: forged, cut or from another key)."""
    reminder_id, _, _mac = token.partition(".")
    if not reminder_id.isdigit() or len(reminder_id) > 18:
        return None
    return int(reminder_id) if hmac.compare_digest(open_token(reminder_id, secret), token) else None


def pixel_url(settings: Settings) -> Callable[[str], str] | None:
    """The open pixel's URL for an outbox id, when opens are tracked; a missing base URL or key with
    tracking on is a configuration error, said at once rather than sending untrackable mail."""
    if not settings.track_opens:
        return None
    base, secret = settings.public_base_url, settings.tracking_secret
    if not base or not secret or len(secret) < 16:
        raise DunwellError(
            "track_opens needs public_base_url and a tracking_secret of at least 16 characters",
            code="tracking_settings",
        )
    root = base.rstrip("/")
    return lambda reminder_id: f"{root}/o/{open_token(reminder_id, secret)}.gif"


def record_open(session: Session, token: str, secret: str, *, at: datetime) -> bool:
    """Record the open a token names; False for a bad token, an unknown reminder or a reload."""
    reminder_id = token_reminder(token, secret)
    outbox = OutboxRepository(session)
    found = outbox.reminder(reminder_id) if reminder_id is not None else None
    if found is None or found.sent_at is None:
        return False
    last = outbox.last_event_at(found.id, ReminderEventKind.OPENED)
    if last is not None and at - _aware(last, at) < REOPEN_GAP:
        return False
    outbox.add_event(found.id, ReminderEventKind.OPENED, OPENER, at=at)
    record(session, actor=OPENER, action="reminder.opened", subject_type="reminder", subject_id=found.id,
           details={"at": at.isoformat()})  # fmt: skip
    return True


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=like.tzinfo)
