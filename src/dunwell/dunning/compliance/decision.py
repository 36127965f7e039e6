"""What the guard returns (a decision with every rule that blocked), what each rule returns, and the
policy: the numbers a tenant may tune (the defaults are the RULES.md ones)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from dunwell.dunning.compliance.case import Case


@dataclass(frozen=True, slots=True)
class Block:
    """One rule that stops the action: its RULES.md (or ADR 0026) ID and why, for a person."""

    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Flag:
    """A pattern worth a person's look that does not stop the action (RF-CALL-4)."""

    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Decision:
    """``next_allowed_at``: the action's own time when it is allowed; when blocked, the earliest
    later time at which the same action, with the same history, passes every rule; ``None`` when
    no time will (cease, attorney, opt-out, no consent) or none within the policy's search horizon."""

    allowed: bool
    blocked_by: tuple[Block, ...]
    next_allowed_at: datetime | None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class Blocked:
    """A rule's verdict when it blocks. ``retry_at`` is the earliest later time at which this rule
    alone would allow the action (it must be after the action's time); ``None``: never."""

    block: Block
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    """The tunable numbers. The send window is [start, end): 21:00:00 itself is outside (RF-TIME-1
    is silent on the edge, so the guard takes the conservative side)."""

    window_start: time = time(8)
    window_end: time = time(21)
    #: RF-CALL-1: at most this many placed calls per particular debt in any 7 consecutive days.
    calls_per_seven_days: int = 7
    #: B2B-CAP-1: at most this many messages (any channel) to a commercial customer in 7 days.
    b2b_messages_per_seven_days: int = 3
    #: RF-CALL-4: a call this soon after an unanswered one is flagged as rapid redialling.
    rapid_redial: timedelta = timedelta(minutes=5)
    #: RF-CALL-4: this many calls to one person on one local day (all debts) is flagged.
    concentrated_calls_per_day: int = 7
    #: How far ahead the guard looks for the next allowed time before it gives up (then ``None``).
    search_horizon: timedelta = timedelta(days=400)

    def __post_init__(self) -> None:
        if not self.window_start < self.window_end:
            raise ValueError("the send window must start before it ends")
        if self.calls_per_seven_days < 1 or self.b2b_messages_per_seven_days < 1:
            raise ValueError("a cap of less than one message would block every contact")


DEFAULT_POLICY = Policy()


#: A rule reads the case (the action at its proposed time) and the policy; ``None``: it allows.
Rule = Callable[[Case, Policy], Blocked | None]


def utc_text(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``, the file contract's form (whole seconds: a fraction is dropped,
    which is safe because every window and day starts on a whole second)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decision_document(decision: Decision) -> dict[str, object]:
    """The file contract's output, exactly these three keys: flags are not in it (ADR 0026)."""
    return {
        "allowed": decision.allowed,
        "blocked_by": [{"rule": b.rule, "reason": b.reason} for b in decision.blocked_by],
        "next_allowed_at": None if decision.next_allowed_at is None else utc_text(decision.next_allowed_at),
    }
