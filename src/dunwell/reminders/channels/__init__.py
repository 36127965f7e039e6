"""The ways a reminder leaves: email over SMTP, SMS through a provider plugin, letters as PDF files
for a print service, and call tasks for the worklist. Each is a ``Channel``; ``FakeChannel`` is the
working stand-in the tests and the strategy lab use."""

from dunwell.reminders.channels.base import (
    Attachment,
    Channel,
    Delivery,
    FakeChannel,
    OutboundMessage,
    PermanentFailure,
    TemporaryFailure,
)

__all__ = [
    "Attachment",
    "Channel",
    "Delivery",
    "FakeChannel",
    "OutboundMessage",
    "PermanentFailure",
    "TemporaryFailure",
]
