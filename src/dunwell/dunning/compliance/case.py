"""What the compliance guard decides on: one proposed contact (the action), the person it goes to
(the debtor, with what is known about them) and the contacts already made (the history).

Fields that may be unknown are ``None`` rather than a guessed ``False``; the rules read ``None`` the
fail-closed way (no consent record is no consent; a work address not ruled out may be one), and their
reasons say when they assumed. All times are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo


class Ledger(StrEnum):
    """Which policy pack applies: consumer debt (Reg F + TCPA) or commercial debt (B2B + TCPA)."""

    CONSUMER = "consumer"
    COMMERCIAL = "commercial"


class Channel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"


#: Messages that reach a screen: Reg F's electronic-communication rules apply to them.
ELECTRONIC = frozenset({Channel.EMAIL, Channel.SMS})


class ContactKind(StrEnum):
    """How a past contact went. ``not_connected`` is a call that never reached the number (busy
    signal, number not in service); ``attempt`` is one that rang or went to voicemail unanswered."""

    ATTEMPT = "attempt"
    NOT_CONNECTED = "not_connected"
    CONVERSATION = "conversation"
    SENT = "sent"


class Automation(StrEnum):
    """How a call is placed. ``unspecified`` is an automated call whose technology is not known: it
    needs every kind of call consent (TCPA-6, fail-closed)."""

    MANUAL = "manual"
    PRERECORDED = "prerecorded"
    AUTODIALED = "autodialed"
    UNSPECIFIED = "unspecified"


@dataclass(frozen=True, slots=True)
class Consent:
    """Prior express consent per kind of automated contact (TCPA-1/2). ``None``: no record, which
    counts as no consent (TCPA-6)."""

    sms: bool | None = None
    prerecorded_call: bool | None = None
    autodialed_call: bool | None = None


@dataclass(frozen=True, slots=True)
class InconvenientTime:
    """A stretch of local clock time the person said is inconvenient (RF-TIME-3), ``start``
    inclusive, ``end`` exclusive; when ``end`` is not after ``start`` it runs over midnight."""

    start: time
    end: time

    def covers(self, clock: time) -> bool:
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Debtor:
    """The person (or, on a commercial ledger, the customer's contact) the action goes to.

    ``time_zones`` holds every zone their location information points to (a phone area code, a
    home address); the first is where their calendar days are counted. The file reader requires
    the cease, attorney and opt-out facts (ADR 0026); the defaults here serve callers that load
    them from stored records, where a missing row does mean "none recorded".
    """

    time_zones: tuple[ZoneInfo, ...]
    cease_requested: bool = False
    represented_by_attorney: bool = False
    opted_out_channels: frozenset[Channel] = frozenset()
    consent: Consent = field(default_factory=Consent)
    inconvenient_times: tuple[InconvenientTime, ...] = ()
    #: ``None``: not known either way, read as "prohibits" for a contact at work (fail-closed).
    employer_prohibits_contact_at_work: bool | None = None

    @property
    def home_zone(self) -> ZoneInfo:
        return self.time_zones[0]


@dataclass(frozen=True, slots=True)
class PastContact:
    """A contact already made. ``debt_id`` ``None``: it named no debt, so it counts against every
    debt (RF-CALL-3 lets an unnamed call count against any one; the guard takes all, to be safe)."""

    at: datetime
    channel: Channel
    kind: ContactKind
    debt_id: str | None = None

    @property
    def is_placed_call(self) -> bool:
        """A telephone call that counts toward the call caps (RF-CALL-2): every call except one
        that never connected to the number. Texts, emails and letters are not calls."""
        return self.channel is Channel.CALL and self.kind is not ContactKind.NOT_CONNECTED

    @property
    def is_conversation(self) -> bool:
        """A telephone conversation (RF-CALL-1 (B) counts only those, not exchanges by email)."""
        return self.channel is Channel.CALL and self.kind is ContactKind.CONVERSATION

    def concerns(self, debt_id: str | None) -> bool:
        """Whether this contact counts against ``debt_id`` (``None`` on either side: it does)."""
        return self.debt_id is None or debt_id is None or self.debt_id == debt_id


@dataclass(frozen=True, slots=True)
class ProposedAction:
    """The contact the sender wants to make. ``None`` fields are unknown and read fail-closed."""

    at: datetime
    channel: Channel
    debt_id: str | None = None
    automation: Automation = Automation.UNSPECIFIED
    to_work_address: bool | None = None
    includes_opt_out_notice: bool | None = None
    #: The one message RF-MEDIA-1 allows on a medium after an opt-out from it: a confirmation of
    #: an electronic opt-out, containing nothing but the confirmation (§1006.14(h)(2)). Only the
    #: opt-out rules read it (``confirmed_opt_out``); every other rule still applies.
    confirms_opt_out: bool = False

    def confirmed_opt_out(self, opted_out: frozenset[Channel]) -> bool:
        """Whether this is the allowed confirmation of an opt-out from its own, electronic medium."""
        return self.confirms_opt_out and self.channel in ELECTRONIC and self.channel in opted_out


@dataclass(frozen=True, slots=True)
class Case:
    ledger: Ledger
    debtor: Debtor
    history: tuple[PastContact, ...]
    action: ProposedAction

    def at(self, moment: datetime) -> Case:
        """The same case with the action moved to ``moment`` (the guard's forward search)."""
        return replace(self, action=replace(self.action, at=moment))
