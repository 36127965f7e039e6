"""Reading a case from its JSON form (the file contract of `dunwell compliance check`, ADR 0026).

Strict on purpose: a field the reader does not know is an error, not ignored, because a guard that
silently drops ``"cease_requested_by_phone": true`` would decide on less than the sender knows.
Every error names the field by its path (``debtor.consent.fax``, ``history[2].kind``).

Which fields may be left out, and how they are then read:

- required: ``ledger``, ``debtor.time_zones`` (at least one), ``debtor.cease_requested``,
  ``debtor.represented_by_attorney``, ``debtor.opted_out_channels``, ``history`` (may be empty),
  ``action.at``, ``action.channel``; for each past contact ``at``, ``channel`` and ``kind``. Either
  reading of a missing one of these could be wrong (a missing cease flag read as false may break
  the law; read as true it stops everything), so the sender must say.
- optional, read fail-closed: ``debtor.consent`` and each of its keys (missing: no consent);
  ``debtor.employer_prohibits_contact_at_work`` (missing: prohibits, for a contact at work);
  ``action.automated`` (missing: automated by an unknown technology, needing every call consent);
  ``action.to_work_address`` (missing: may be a work address); ``action.includes_opt_out_notice``
  (missing: it does not); ``debt_id`` (missing: the contact counts against every debt).
- optional, empty by default: ``debtor.inconvenient_times``.

``null`` is the same as leaving an optional field out, and an error for a required one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.dunning.compliance.case import (
    Automation,
    Case,
    Channel,
    Consent,
    ContactKind,
    Debtor,
    InconvenientTime,
    Ledger,
    PastContact,
    ProposedAction,
)

_E = TypeVar("_E", bound=StrEnum)
_CLOCK = re.compile(r"\d{2}:\d{2}")
_AUTOMATION: dict[bool | str, Automation] = {
    False: Automation.MANUAL,
    True: Automation.UNSPECIFIED,
    "prerecorded": Automation.PRERECORDED,
    "autodialed": Automation.AUTODIALED,
}


class CaseError(DunwellError):
    """A case that cannot be decided on; ``field`` is the path of the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}", code="invalid_case", kind=ErrorKind.INVALID)
        self.field = field


def read_case(document: object) -> Case:
    """The case in ``document`` (decoded JSON); raises :class:`CaseError` naming the first field
    that is unknown, missing, of the wrong type or out of range."""
    root = _Object(document, "", known=("ledger", "debtor", "history", "action"))
    return Case(
        ledger=_choice(root.required("ledger"), root.path("ledger"), Ledger),
        debtor=_debtor(root.required("debtor"), root.path("debtor")),
        history=tuple(
            _past_contact(item, f"history[{index}]")
            for index, item in enumerate(_array(root.required("history"), "history"))
        ),
        action=_action(root.required("action"), root.path("action")),
    )


class _Object:
    """A JSON object being read: unknown keys are refused up front, so the error names them even
    when other fields are wrong too."""

    def __init__(self, value: object, where: str, *, known: tuple[str, ...]) -> None:
        if not isinstance(value, Mapping):
            raise CaseError(where or "case", f"must be an object, not {_json_type(value)}")
        self._where = where
        self._values: Mapping[str, object] = value
        unknown = sorted(str(key) for key in value if key not in known)
        if unknown:
            raise CaseError(self.path(unknown[0]), f"unknown field (known: {', '.join(known)})")

    def path(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def required(self, key: str) -> object:
        value = self._values.get(key)
        if value is None:
            raise CaseError(self.path(key), "is required" if key not in self._values else "must not be null")
        return value

    def optional(self, key: str) -> object | None:
        return self._values.get(key)


def _debtor(value: object, where: str) -> Debtor:
    debtor = _Object(
        value,
        where,
        known=(
            "time_zones", "cease_requested", "opted_out_channels", "consent", "inconvenient_times",
            "represented_by_attorney", "employer_prohibits_contact_at_work",
        ),
    )  # fmt: skip
    zones_path = debtor.path("time_zones")
    zones = [
        _zone(z, f"{zones_path}[{i}]")
        for i, z in enumerate(_array(debtor.required("time_zones"), zones_path))
    ]
    if not zones:
        raise CaseError(zones_path, "must name at least one time zone")
    channels_path = debtor.path("opted_out_channels")
    opted_out = _array(debtor.required("opted_out_channels"), channels_path)
    times_path = debtor.path("inconvenient_times")
    times = _array(debtor.optional("inconvenient_times") or [], times_path)
    prohibits = debtor.optional("employer_prohibits_contact_at_work")
    return Debtor(
        time_zones=tuple(dict.fromkeys(zones)),  # the same zone twice is one location
        cease_requested=_boolean(debtor.required("cease_requested"), debtor.path("cease_requested")),
        represented_by_attorney=_boolean(
            debtor.required("represented_by_attorney"), debtor.path("represented_by_attorney")
        ),
        opted_out_channels=frozenset(
            _choice(c, f"{channels_path}[{i}]", Channel) for i, c in enumerate(opted_out)
        ),
        consent=_consent(debtor.optional("consent"), debtor.path("consent")),
        inconvenient_times=tuple(_inconvenient(t, f"{times_path}[{i}]") for i, t in enumerate(times)),
        employer_prohibits_contact_at_work=_maybe_boolean(
            prohibits, debtor.path("employer_prohibits_contact_at_work")
        ),
    )


def _consent(value: object | None, where: str) -> Consent:
    if value is None:
        return Consent()
    consent = _Object(value, where, known=("sms", "prerecorded_call", "autodialed_call"))
    return Consent(
        sms=_maybe_boolean(consent.optional("sms"), consent.path("sms")),
        prerecorded_call=_maybe_boolean(
            consent.optional("prerecorded_call"), consent.path("prerecorded_call")
        ),
        autodialed_call=_maybe_boolean(consent.optional("autodialed_call"), consent.path("autodialed_call")),
    )


def _inconvenient(value: object, where: str) -> InconvenientTime:
    stretch = _Object(value, where, known=("from", "to"))
    start = _clock(stretch.required("from"), stretch.path("from"))
    end = _clock(stretch.required("to"), stretch.path("to"))
    if start == end:
        raise CaseError(
            where, f"'from' and 'to' are both {start:%H:%M}: the stretch would be empty or all day"
        )
    return InconvenientTime(start=start, end=end)


def _past_contact(value: object, where: str) -> PastContact:
    contact = _Object(value, where, known=("at", "channel", "kind", "debt_id"))
    return PastContact(
        at=_utc(contact.required("at"), contact.path("at")),
        channel=_choice(contact.required("channel"), contact.path("channel"), Channel),
        kind=_choice(contact.required("kind"), contact.path("kind"), ContactKind),
        debt_id=_maybe_text(contact.optional("debt_id"), contact.path("debt_id")),
    )


def _action(value: object, where: str) -> ProposedAction:
    action = _Object(
        value,
        where,
        known=("at", "channel", "debt_id", "automated", "to_work_address", "includes_opt_out_notice"),
    )
    automated = action.optional("automated")
    if automated is None:
        automation = Automation.UNSPECIFIED
    elif isinstance(automated, bool | str) and automated in _AUTOMATION:
        automation = _AUTOMATION[automated]
    else:
        raise CaseError(
            action.path("automated"), f'must be true, false, "prerecorded" or "autodialed", not {automated!r}'
        )
    return ProposedAction(
        at=_utc(action.required("at"), action.path("at")),
        channel=_choice(action.required("channel"), action.path("channel"), Channel),
        debt_id=_maybe_text(action.optional("debt_id"), action.path("debt_id")),
        automation=automation,
        to_work_address=_maybe_boolean(action.optional("to_work_address"), action.path("to_work_address")),
        includes_opt_out_notice=_maybe_boolean(
            action.optional("includes_opt_out_notice"), action.path("includes_opt_out_notice")
        ),
    )


# -- scalars ----------------------------------------------------------------------------------


def _array(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise CaseError(where, f"must be a list, not {_json_type(value)}")
    return value


def _boolean(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise CaseError(where, f"must be true or false, not {_json_type(value)}")
    return value


def _maybe_boolean(value: object | None, where: str) -> bool | None:
    return None if value is None else _boolean(value, where)


def _maybe_text(value: object | None, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CaseError(where, f"must be a non-empty string, not {_json_type(value)}")
    return value


def _choice(value: object, where: str, choices: type[_E]) -> _E:
    allowed = ", ".join(c.value for c in choices)
    if not isinstance(value, str):
        raise CaseError(where, f"must be one of {allowed}, not {_json_type(value)}")
    try:
        return choices(value)
    except ValueError:
        raise CaseError(where, f"must be one of {allowed}, not {value!r}") from None


def _zone(value: object, where: str) -> ZoneInfo:
    if not isinstance(value, str) or not value:
        raise CaseError(where, f"must be an IANA time zone name, not {_json_type(value)}")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise CaseError(
            where, f"unknown time zone {value!r} (use an IANA name like America/New_York)"
        ) from None


def _utc(value: object, where: str) -> datetime:
    """A UTC instant written ``YYYY-MM-DDTHH:MM:SSZ`` (fractions of a second allowed; an offset
    other than zero is refused, so that a local time is never mistaken for UTC)."""
    if not isinstance(value, str):
        raise CaseError(where, f"must be a UTC time like 2026-04-01T14:00:00Z, not {_json_type(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CaseError(where, f"must be a UTC time like 2026-04-01T14:00:00Z, not {value!r}") from None
    if "T" not in value or moment.utcoffset() != timedelta(0):
        raise CaseError(where, f"must be a UTC time with its 'Z', like 2026-04-01T14:00:00Z, not {value!r}")
    return moment.astimezone(UTC)


def _clock(value: object, where: str) -> time:
    if not isinstance(value, str) or not _CLOCK.fullmatch(value):
        raise CaseError(where, f"must be a local time as HH:MM, not {value!r}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise CaseError(where, f"must be a local time as HH:MM, not {value!r}") from None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return "a list" if isinstance(value, list) else "an object"
