"""What every channel takes and gives back, and how it fails.

A channel either delivers (``Delivery`` with the provider's reference) or raises one of two errors:
``TemporaryFailure`` (try again later: a timeout, a 4xx SMTP reply, a provider's 5xx) or
``PermanentFailure`` (never retry: a refused address, a 5xx SMTP reply, a provider's 4xx). The
sender decides what to do with each; channels neither retry nor touch the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    #: The outbox key: every channel passes it on (as the Message-ID's seed, the SMS reference, the
    #: letter's file name) so a delivery can be traced back and recognised if it is ever offered twice.
    key: str
    channel: str
    to_address: str | None
    subject: str
    body: str
    language: str = "en"
    attachments: tuple[Attachment, ...] = ()
    #: The customer and contact names the letter's address block and the call task show.
    recipient_name: str = ""
    #: The outbox row's id, for a channel that reports back (the email open pixel).
    tracking_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    provider_ref: str
    detail: str = ""


class TemporaryFailure(Exception):
    """The message may go through later (the sender backs off and retries)."""


class PermanentFailure(Exception):
    """The message will never go through as addressed (the contact is marked, nothing is retried)."""


class Channel(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> Delivery: ...


@dataclass
class FakeChannel:
    """A channel that keeps what it is given: for tests and the strategy lab. ``fail_with`` makes the
    next sends raise (one error per send, in order) to exercise retries and bounces."""

    name: str = "email"
    sent: list[OutboundMessage] = field(default_factory=list)
    fail_with: list[Exception] = field(default_factory=list)

    def send(self, message: OutboundMessage) -> Delivery:
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append(message)
        return Delivery(provider_ref=f"fake:{message.key}")
