"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can refuse recipients
or answer with a temporary error, for the channel and sender tests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sink:
    received: list[EmailMessage] = field(default_factory=list)
    #: Recipient addresses answered with this reply at RCPT (e.g. "550 5.1.1 no such user").
    refuse: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Seconds to wait after taking a message before saying so (a kill in between leaves a message
    #: delivered that its sender never heard about).
    delay: float = 0.0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append(parsed)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted"


@contextmanager
def smtp_sink(*, delay: float = 0.0) -> Iterator[tuple[Sink, int]]:
    sink = Sink(delay=delay)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()
