"""A strategy-lab policy plugin, as a user would write one (loaded as ``lab_plugins:CallEveryone``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dunwell.core.collections import Channel
from dunwell.simulate.actions import Action
from dunwell.simulate.lab import OverdueCustomer


class CallEveryone:
    name = "call-everyone"

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        return [Action(c.customer_id, Channel.CALL) for c in book[: capacity_minutes // 12]]


class Greedy:
    """Asks for a call to every overdue customer, whatever the capacity."""

    name = "greedy"

    def choose(self, day: date, book: Sequence[OverdueCustomer], capacity_minutes: int) -> list[Action]:
        return [Action(c.customer_id, Channel.CALL) for c in book]
