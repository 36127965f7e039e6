"""The stored book's cash forecast as values: per group (a currency, or an entity or segment in a
currency), per day and per week, P10/P50/P90 in whole minor units, with the customers behind
each week. ``to_dict``/``from_dict`` are exact (the forecast is kept as a report snapshot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class ForecastBy(StrEnum):
    ENTITY = "entity"
    CURRENCY = "currency"
    SEGMENT = "segment"


@dataclass(frozen=True, slots=True)
class Band:
    """Cash in one bucket: the 10th, 50th and 90th percentile over the joint simulations."""

    p10_minor: int
    p50_minor: int
    p90_minor: int

    def to_dict(self) -> dict[str, int]:
        return {"p10_minor": self.p10_minor, "p50_minor": self.p50_minor, "p90_minor": self.p90_minor}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Band:
        return cls(int(d["p10_minor"]), int(d["p50_minor"]), int(d["p90_minor"]))


@dataclass(frozen=True, slots=True)
class Contributor:
    """A customer's expected cash in a week (a mean over the simulations, so they add up);
    ``customer_id`` None: invoices not issued yet."""

    customer_id: int | None
    name: str
    expected_minor: int

    def to_dict(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "name": self.name, "expected_minor": self.expected_minor}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Contributor:
        pk = d["customer_id"]
        return cls(None if pk is None else int(pk), str(d["name"]), int(d["expected_minor"]))


@dataclass(frozen=True, slots=True)
class WeekForecast:
    start: date
    end: date
    band: Band
    open_book_minor: int  # the mean cash from invoices already issued (means add up; medians do not)
    contributors: tuple[Contributor, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            **self.band.to_dict(),
            "open_book_minor": self.open_book_minor,
            "contributors": [c.to_dict() for c in self.contributors],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WeekForecast:
        return cls(
            date.fromisoformat(d["start"]),
            date.fromisoformat(d["end"]),
            Band.from_dict(d),
            int(d["open_book_minor"]),
            tuple(Contributor.from_dict(c) for c in d["contributors"]),
        )


@dataclass(frozen=True, slots=True)
class GroupForecast:
    currency: str
    group: str | None  # the entity's code or the segment; None: the whole currency
    open_minor: int  # open at the end of the as-of day
    open_invoices: int
    billing_per_day_minor: int  # the trailing run-rate new billing is simulated at
    rho: float  # the copula's correlation within a customer, measured on the book (or the fallback)
    days: tuple[tuple[date, Band], ...]
    weeks: tuple[WeekForecast, ...]
    total: Band  # the whole horizon's cash

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "group": self.group,
            "open_minor": self.open_minor,
            "open_invoices": self.open_invoices,
            "billing_per_day_minor": self.billing_per_day_minor,
            "rho": self.rho,
            "total": self.total.to_dict(),
            "weeks": [w.to_dict() for w in self.weeks],
            "days": [{"day": d.isoformat(), **b.to_dict()} for d, b in self.days],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GroupForecast:
        return cls(
            str(d["currency"]),
            d["group"],
            int(d["open_minor"]),
            int(d["open_invoices"]),
            int(d["billing_per_day_minor"]),
            float(d["rho"]),
            tuple((date.fromisoformat(x["day"]), Band.from_dict(x)) for x in d["days"]),
            tuple(WeekForecast.from_dict(w) for w in d["weeks"]),
            Band.from_dict(d["total"]),
        )


@dataclass(frozen=True, slots=True)
class CashForecast:
    as_of: date
    weeks: int
    by: ForecastBy | None
    scope: str  # "book" or "portfolio" (a collector's customers)
    model_version: int
    model_known_until: date
    draws: int
    rho: float  # the fallback when a book is too young to measure it (each group says what it used)
    #: The range factors the model's training learned ({"low", "high", ...}), or {"skipped": why}.
    calibration: dict[str, Any]
    groups: tuple[GroupForecast, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "weeks": self.weeks,
            "by": None if self.by is None else self.by.value,
            "scope": self.scope,
            "model_version": self.model_version,
            "model_known_until": self.model_known_until.isoformat(),
            "draws": self.draws,
            "rho": self.rho,
            "calibration": self.calibration,
            "groups": [g.to_dict() for g in self.groups],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CashForecast:
        return cls(
            date.fromisoformat(d["as_of"]),
            int(d["weeks"]),
            None if d["by"] is None else ForecastBy(d["by"]),
            str(d["scope"]),
            int(d["model_version"]),
            date.fromisoformat(d["model_known_until"]),
            int(d["draws"]),
            float(d["rho"]),
            dict(d["calibration"]),
            tuple(GroupForecast.from_dict(g) for g in d["groups"]),
        )
