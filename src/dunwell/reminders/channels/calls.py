"""A call step becomes a task on the collector's worklist, not an automated call: the outbox row
itself, once "sent", is the task (the worklist reads today's call tasks from it). Nothing leaves
the building, so it cannot fail."""

from __future__ import annotations

from dataclasses import dataclass

from dunwell.reminders.channels.base import Delivery, OutboundMessage


@dataclass
class CallTasks:
    name: str = "call"

    def send(self, message: OutboundMessage) -> Delivery:
        return Delivery(provider_ref=f"task:{message.key}", detail="call task for the worklist")
