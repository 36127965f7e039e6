"""Email over SMTP (standard library ``smtplib``): a multipart message with the text body and the
PDF attachments, a Message-ID derived from the outbox key, STARTTLS or SSL as configured.

SMTP replies map to the two failures: 4xx and connection trouble are temporary; a refused recipient
or another 5xx is permanent (the contact is marked undeliverable by the sender)."""

from __future__ import annotations

import hashlib
import html
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from dunwell.reminders.channels.base import Delivery, OutboundMessage, PermanentFailure, TemporaryFailure

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    reply_to: str | None = None
    user: str | None = None
    password: str | None = None
    security: str = "starttls"
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"smtp_security must be one of {', '.join(SECURITY)}, not {self.security!r}")


def message_id(key: str, sender: str) -> str:
    """The same outbox key always gives the same Message-ID: a receiving system (or a person) can
    tell a copy from a new reminder."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "dunwell.invalid"
    return f"<dunwell.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def build_email(
    message: OutboundMessage, settings: SmtpSettings, open_pixel: Callable[[str], str] | None = None
) -> EmailMessage:
    """The text body; with ``open_pixel`` (opens tracked) also an HTML part showing the same words
    and a 1x1 image whose loading records an open."""
    if not message.to_address:
        raise PermanentFailure("no email address")
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = message.to_address
    if settings.reply_to:
        mail["Reply-To"] = settings.reply_to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = message_id(message.key, settings.sender)
    mail["Content-Language"] = message.language
    mail["X-Dunwell-Key"] = message.key
    mail.set_content(message.body)
    if open_pixel is not None and message.tracking_id:
        words = html.escape(message.body)
        image = html.escape(open_pixel(message.tracking_id), quote=True)
        mail.add_alternative(
            f'<!doctype html><html><body><pre style="font-family:inherit;white-space:pre-wrap">{words}</pre>'
            f'<img src="{image}" width="1" height="1" alt=""></body></html>',
            subtype="html",
        )
    for attachment in message.attachments:
        main, sub = attachment.content_type.split("/", 1)
        mail.add_attachment(attachment.data, maintype=main, subtype=sub, filename=attachment.filename)
    return mail


@dataclass
class EmailChannel:
    settings: SmtpSettings
    name: str = "email"
    #: The open pixel's URL for an outbox id (none: opens are not tracked).
    open_pixel: Callable[[str], str] | None = None

    def send(self, message: OutboundMessage) -> Delivery:
        mail = build_email(message, self.settings, self.open_pixel)
        try:
            with self._connect() as smtp:
                if self.settings.user:
                    smtp.login(self.settings.user, self.settings.password or "")
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            if all(400 <= code < 500 for code, _ in error.recipients.values()):
                raise TemporaryFailure(_replies(error.recipients)) from error  # greylisting, full mailbox
            raise PermanentFailure(_replies(error.recipients)) from error
        except smtplib.SMTPResponseException as error:
            reply = error.smtp_error
            text = (
                f"{error.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            )
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(text) from error
            raise TemporaryFailure(text) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        if refused:
            raise PermanentFailure(_replies(refused))
        return Delivery(provider_ref=str(mail["Message-ID"]))

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        if s.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp


def _replies(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{who}: {code} {text.decode(errors='replace')}" for who, (code, text) in recipients.items()
    )
