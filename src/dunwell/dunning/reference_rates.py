"""Reference rates as data (RULES.md GEN-2): dated series per source, and the rate in force on a day.

A series is a step function: each entry gives the rate in force from its ``from`` day until the day
before the next entry, and the last one until ``known_through``, the last day the maintainer has
checked that nothing changed. A day outside ``[first from, known_through]`` has no known rate and
asking for it raises ``MissingReferenceRate``: interest computed on a rate of zero, or on a stale
rate, would be a wrong claim sent to a customer. An entry may also give ``to`` (its last day); the
loader then checks it against the next entry, so a gap or an overlap in the data is refused.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType

from dunwell.core.errors import DunwellError
from dunwell.dunning.interest_yaml import Field, parse_document, shipped_text

SHIPPED_REFERENCE_RATES = "reference_rates.yaml"
#: A percentage outside this range is a typo (``450`` for ``4.50``), not a central-bank rate.
_PLAUSIBLE_PERCENT = Decimal(50)


class MissingReferenceRate(DunwellError):
    """No rate is known for a source on a day: the data must be extended, not guessed."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="reference_rate_missing")


@dataclass(frozen=True, slots=True)
class RateChange:
    """The rate (percent per annum) in force from ``effective_from``."""

    effective_from: date
    percent: Decimal


@dataclass(frozen=True, slots=True)
class ReferenceRateSeries:
    """One source's rates: ``label`` is how a reminder names it ("Bank of England rate")."""

    source: str
    label: str
    changes: tuple[RateChange, ...]
    known_through: date

    def __post_init__(self) -> None:
        if not self.changes:
            raise ValueError(f"reference rate series {self.source} has no rates")
        days = [change.effective_from for change in self.changes]
        if days != sorted(set(days)):
            raise ValueError(f"reference rate series {self.source} is not in strict date order")
        if self.known_through < days[-1]:
            raise ValueError(f"reference rate series {self.source} ends before its last rate")

    @property
    def known_from(self) -> date:
        return self.changes[0].effective_from

    def rate_on(self, day: date) -> Decimal:
        """The rate in force on ``day``; ``MissingReferenceRate`` outside the known range."""
        if not self.known_from <= day <= self.known_through:
            raise MissingReferenceRate(
                f"no {self.label} ({self.source}) is known for {day.isoformat()}: the data covers "
                f"{self.known_from.isoformat()} to {self.known_through.isoformat()}; add the rate in "
                f"force on that day to the reference-rate data"
            )
        index = bisect_right([change.effective_from for change in self.changes], day) - 1
        return self.changes[index].percent


@dataclass(frozen=True, slots=True)
class ReferenceRates:
    """Every source's series, by source id (``ecb_mro``, ``boe_bank_rate``...)."""

    series: Mapping[str, ReferenceRateSeries]

    def for_source(self, source: str) -> ReferenceRateSeries:
        try:
            return self.series[source]
        except KeyError:
            known = ", ".join(sorted(self.series)) or "none"
            raise MissingReferenceRate(
                f"no reference-rate series {source!r} is loaded (known: {known})"
            ) from None

    def rate_on(self, source: str, day: date) -> Decimal:
        return self.for_source(source).rate_on(day)


def reference_rates_from_yaml(text: str, *, source: str = "reference rates") -> ReferenceRates:
    """Parse and check reference-rate data; ``InterestDataError`` names the line and field."""
    root = parse_document(text, source=source).mapping(required=frozenset({"series"}))
    series = {name: _series(name, entry) for name, entry in root["series"].entries().items()}
    return ReferenceRates(MappingProxyType(series))


def shipped_reference_rates() -> ReferenceRates:
    """The rates shipped in ``dunwell/dunning/data/reference_rates.yaml`` (maintained by hand)."""
    return reference_rates_from_yaml(shipped_text(SHIPPED_REFERENCE_RATES), source=SHIPPED_REFERENCE_RATES)


def with_overrides(shipped: ReferenceRates, own: ReferenceRates) -> ReferenceRates:
    """The shipped series with a deployment's own: a series the operator gives replaces the shipped
    one of that id whole (its history must be complete: no silent splicing of two sources), and a
    new id is added."""
    return ReferenceRates(MappingProxyType({**shipped.series, **own.series}))


def _series(name: str, entry: Field) -> ReferenceRateSeries:
    fields = entry.mapping(
        required=frozenset({"label", "known_through", "rates"}),
        optional=frozenset({"publisher", "url", "note"}),
    )
    for text_field in ("publisher", "url", "note"):
        if text_field in fields:
            fields[text_field].text()
    rate_fields = fields["rates"].items()
    changes = [_change(item) for item in rate_fields]
    known_through_field = fields["known_through"]
    known_through = known_through_field.day()
    for index, (item, change) in enumerate(zip(rate_fields, changes, strict=True)):
        if index and change.effective_from <= changes[index - 1].effective_from:
            raise item.child("from", None).error(
                f"{change.effective_from.isoformat()} is not after the previous entry's "
                f"{changes[index - 1].effective_from.isoformat()} (entries must be in date order)"
            )
        last_day = (
            changes[index + 1].effective_from - timedelta(days=1)
            if index + 1 < len(changes)
            else known_through
        )
        _check_stated_end(item, last_day, is_last=index + 1 == len(changes))
    if known_through < changes[-1].effective_from:
        raise known_through_field.error(
            f"{known_through.isoformat()} is before the last rate's start "
            f"{changes[-1].effective_from.isoformat()}"
        )
    return ReferenceRateSeries(name, fields["label"].text(), tuple(changes), known_through)


def _change(item: Field) -> RateChange:
    fields = item.mapping(required=frozenset({"from", "percent"}), optional=frozenset({"to", "note"}))
    percent = fields["percent"].decimal()
    if abs(percent) >= _PLAUSIBLE_PERCENT:
        raise fields["percent"].error(f"{percent} % is not a plausible reference rate (a typo?)")
    if "note" in fields:
        fields["note"].text()
    return RateChange(fields["from"].day(), percent)


def _check_stated_end(item: Field, last_day: date, *, is_last: bool) -> None:
    """An entry that states its last day (``to``) must end where the next one starts: otherwise the
    data has a gap (days with no rate) or an overlap (two rates for a day)."""
    stated = item.value.get("to")
    if stated is None:
        return
    end = item.child("to", stated).day()
    if end == last_day:
        return
    if is_last:
        raise item.child("to", stated).error(
            f"{end.isoformat()} differs from the series' known_through {last_day.isoformat()}"
        )
    problem = "a gap" if end < last_day else "an overlap"
    raise item.child("to", stated).error(
        f"{end.isoformat()} leaves {problem} before the next entry, which starts "
        f"{(last_day + timedelta(days=1)).isoformat()}"
    )
