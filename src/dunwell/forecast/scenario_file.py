"""A scenario file (``dunwell scenario run FILE.yaml``, issue 19) read into scenario values.

The engine takes the file's text (``parse_scenarios(text, known, source=path)``); the caller reads
the file (engines do no I/O) and may raise ``ScenarioFileError(path, "cannot read the file: ...")``.

The file is YAML (read with ``safe_load``) with one key, ``scenarios``: a list, each item a mapping
with ``kind`` (one of the four below), an optional ``name`` (unique in the file; default: the
kind and its position) and the kind's own keys. Keys a kind does not know are errors (a typo must
not silently fall back to a default). Customers are named by id or by name; a name two customers
share must be given by id. Naming a segment, customer or risk band the book does not have is an
error, as the issue asks.

Example (also in ``docs/examples/scenarios.yaml``)::

    scenarios:
      - name: Retail on net 60
        kind: terms_change
        segments: [retail]           # or customers: [C-1001, "Acme Foods"], or all: true
        from_days: 30                # optional: only customers now on net 30
        to_days: 60                  # or terms: "net 60"
        cost_of_capital: 0.08        # optional: prices the later cash (a share a year)

      - name: 2/10 net 30 for everyone
        kind: early_payment_discount
        all: true
        terms: "2/10 net 30"         # or percent: 2, discount_days: 10, net_days: 30 (optional)
        uptake: {retail: 0.4}        # optional, per segment; else the history, else default_uptake
        default_uptake: 0.3          # optional (0.3)
        cost_of_capital: 0.10        # optional (0.10 a year)

      - name: Halve billing to high-risk customers
        kind: credit_tightening
        risk_band: high
        billing_cut: 0.5             # share of their new billing not made
        bad_debt_avoided: true       # optional (true)
        margin: 0.25                 # optional: the margin lost is the cost

      - name: Oldest first
        kind: collection_policy
        policy: oldest-first         # measured by the strategy lab unless cash_ratio is given
        cash_ratio: {30: 1.04, 60: 1.02, 90: 1.0}   # optional: a stated effect instead

Shares are numbers from 0 to 1; percents and costs of capital may be written as numbers or strings
("0.08") and are read as decimals; days are whole numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.terms import PaymentTerms, TermsError, parse_terms
from dunwell.forecast.scenario_kinds import (
    DEFAULT_UPTAKE,
    CollectionPolicy,
    CreditTightening,
    EarlyPaymentDiscount,
    PolicyEffect,
    Scenario,
    ScenarioBase,
    ScenarioError,
    TermsChange,
    check_scenario,
    customer_index,
)

_WHO = frozenset({"customers", "segments", "all"})
KIND_KEYS: dict[str, frozenset[str]] = {
    "terms_change": _WHO | {"to_days", "terms", "from_days", "cost_of_capital"},
    "early_payment_discount": _WHO
    | {"terms", "percent", "discount_days", "net_days", "uptake", "default_uptake", "cost_of_capital"},
    "credit_tightening": frozenset({"risk_band", "billing_cut", "bad_debt_avoided", "margin"}),
    "collection_policy": frozenset({"policy", "cash_ratio"}),
}
_COMMON = frozenset({"kind", "name"})


class ScenarioFileError(DunwellError):
    """A scenario file that cannot be used: ``path``, the scenario (1-based ``index`` and ``name``,
    ``None`` for the file as a whole) and the ``reason``."""

    def __init__(self, path: str, reason: str, *, index: int | None = None, name: str | None = None) -> None:
        where = f"scenario {index}" + (f" ({name!r})" if name else "") + ": " if index is not None else ""
        super().__init__(f"{path}: {where}{reason}", code="scenario_file_invalid", kind=ErrorKind.INVALID)
        self.path = path
        self.index = index
        self.name = name
        self.reason = reason


@dataclass(frozen=True, slots=True)
class KnownNames:
    """What a scenario file may name: the book's segments, customers (ids and names), risk bands."""

    segments: frozenset[str]
    customer_keys: tuple[str, ...]
    customer_names: tuple[str, ...]
    risk_bands: frozenset[str]

    @classmethod
    def of(cls, base: ScenarioBase) -> KnownNames:
        return cls(
            frozenset(base.segment), base.customer_keys, base.customer_names, frozenset(base.risk_band)
        )


def parse_scenarios(text: str, known: KnownNames, *, source: str = "<scenarios>") -> tuple[Scenario, ...]:
    """The scenarios of a file's ``text`` (``source``: its path, for the messages); the first problem
    raises ``ScenarioFileError``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark is not None else ""
        raise ScenarioFileError(source, f"not valid YAML{line}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or set(data) != {"scenarios"} or not isinstance(data["scenarios"], list):
        raise ScenarioFileError(source, "the file must hold one key, scenarios: a list of scenarios")
    if not data["scenarios"]:
        raise ScenarioFileError(source, "the file lists no scenarios")
    scenarios: list[Scenario] = []
    for index, item in enumerate(data["scenarios"], start=1):
        name = item.get("name") if isinstance(item, dict) else None
        try:
            scenario = _scenario(item, index)
            check_scenario(scenario)
            _check_names(scenario, known)
        except (ScenarioError, _Invalid) as exc:
            raise ScenarioFileError(source, str(exc), index=index, name=str(name) if name else None) from exc
        if any(s.name == scenario.name for s in scenarios):
            raise ScenarioFileError(source, "another scenario has this name", index=index, name=scenario.name)
        scenarios.append(scenario)
    return tuple(scenarios)


class _Invalid(Exception):
    """One scenario's problem, reported with the file and the scenario by ``parse_scenarios``."""


def _scenario(item: object, index: int) -> Scenario:
    if not isinstance(item, dict):
        raise _Invalid("a scenario is a mapping of keys (kind, name and the kind's own)")
    kind = item.get("kind")
    if kind not in KIND_KEYS:
        raise _Invalid(f"unknown kind {kind!r}; the kinds are: {', '.join(KIND_KEYS)}")
    unknown = set(item) - KIND_KEYS[kind] - _COMMON
    if unknown:
        raise _Invalid(f"unknown key(s) for {kind}: {', '.join(sorted(map(str, unknown)))}")
    name = str(item.get("name") or f"{kind.replace('_', ' ')} {index}")
    if kind == "terms_change":
        return _terms_change(item, name)
    if kind == "early_payment_discount":
        return _discount(item, name)
    if kind == "credit_tightening":
        return CreditTightening(
            risk_band=_text(item, "risk_band"),
            billing_cut=_share(item.get("billing_cut"), "billing_cut"),
            bad_debt_avoided=_flag(item, "bad_debt_avoided", default=True),
            margin=_share(item.get("margin"), "margin") if "margin" in item else None,
            name=name,
        )
    return CollectionPolicy(policy=_text(item, "policy"), lab_effect=_stated_effect(item), name=name)


def _terms_change(item: Mapping[str, object], name: str) -> TermsChange:
    if ("to_days" in item) == ("terms" in item):
        raise _Invalid("give the new terms as to_days or as terms (e.g. 'net 60'), one of them")
    to_days = _days(item, "to_days") if "to_days" in item else _terms(item).net_days
    if to_days is None:
        raise _Invalid(f"the terms {item['terms']!r} have no net days")
    customers, segments, everyone = _who(item)
    return TermsChange(
        to_days=to_days,
        customers=customers,
        segments=segments,
        everyone=everyone,
        from_days=_days(item, "from_days") if "from_days" in item else None,
        cost_of_capital_annual=_decimal(item, "cost_of_capital") if "cost_of_capital" in item else None,
        name=name,
    )


def _discount(item: Mapping[str, object], name: str) -> EarlyPaymentDiscount:
    if "terms" in item:
        if {"percent", "discount_days", "net_days"} & set(item):
            raise _Invalid("give terms or percent/discount_days/net_days, not both")
        terms = _terms(item)
        if terms.discount_percent is None or terms.discount_days is None:
            raise _Invalid(
                f"the terms {item['terms']!r} have no early-payment discount (write e.g. '2/10 net 30')"
            )
        percent, discount_days, net_days = terms.discount_percent, terms.discount_days, terms.net_days
    else:
        percent, discount_days = _decimal(item, "percent"), _days(item, "discount_days")
        net_days = _days(item, "net_days") if "net_days" in item else None
    uptake = item.get("uptake")
    if uptake is not None and not isinstance(uptake, dict):
        raise _Invalid("uptake is a mapping of segment to share, e.g. {retail: 0.4}")
    customers, segments, everyone = _who(item)
    return EarlyPaymentDiscount(
        percent=percent,
        discount_days=discount_days,
        net_days=net_days,
        customers=customers,
        segments=segments,
        everyone=everyone,
        uptake={str(k): _share(uptake[k], f"uptake of {k!r}") for k in uptake}
        if uptake is not None
        else None,
        default_uptake=_share(item.get("default_uptake"), "default_uptake")
        if "default_uptake" in item
        else DEFAULT_UPTAKE,
        cost_of_capital_annual=_decimal(item, "cost_of_capital")
        if "cost_of_capital" in item
        else Decimal("0.10"),
        name=name,
    )


def _stated_effect(item: Mapping[str, object]) -> PolicyEffect | None:
    ratios = item.get("cash_ratio")
    if ratios is None:
        return None
    if not isinstance(ratios, dict) or not ratios:
        raise _Invalid("cash_ratio is a mapping of window (30, 60, 90 days) to ratio, e.g. {30: 1.04}")
    parsed: dict[int, float] = {}
    for window, ratio in ratios.items():
        if isinstance(window, bool) or not str(window).isdigit():
            raise _Invalid(f"cash_ratio window {window!r} is not a whole number of days")
        if isinstance(ratio, bool) or not isinstance(ratio, int | float):
            raise _Invalid(f"cash_ratio at {window} days is {ratio!r}, not a number")
        parsed[int(str(window))] = float(ratio)
    return PolicyEffect(_text(item, "policy"), parsed, "stated in the scenario file")


def _who(item: Mapping[str, object]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    return _names(item, "customers"), _names(item, "segments"), _flag(item, "all", default=False)


def _check_names(scenario: Scenario, known: KnownNames) -> None:
    if isinstance(scenario, TermsChange | EarlyPaymentDiscount):
        uptake = scenario.uptake if isinstance(scenario, EarlyPaymentDiscount) else None
        segments = [*scenario.segments, *(uptake or {})]
        for segment in segments:
            if segment not in known.segments:
                shown = ", ".join(sorted(repr(s) for s in known.segments))
                raise _Invalid(f"unknown segment {segment!r}; the book has: {shown}")
        for customer in scenario.customers:
            customer_index(known.customer_keys, known.customer_names, customer)
    if isinstance(scenario, CreditTightening) and scenario.risk_band not in known.risk_bands:
        raise _Invalid(f"unknown risk band {scenario.risk_band!r}; the book has: {sorted(known.risk_bands)}")


def _text(item: Mapping[str, object], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise _Invalid(f"{key} must be given as text")
    return str(value)


def _names(item: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        raise _Invalid(f"{key} must be a list of names")
    return tuple(str(v) for v in value)


def _flag(item: Mapping[str, object], key: str, *, default: bool) -> bool:
    value = item.get(key, default)
    if not isinstance(value, bool):
        raise _Invalid(f"{key} must be true or false, not {value!r}")
    return value


def _days(item: Mapping[str, object], key: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
        raise _Invalid(f"{key} must be a whole number of days from 0 to 365, not {value!r}")
    return value


def _share(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise _Invalid(f"{what} must be a share from 0 to 1, not {value!r}")
    return float(value)


def _decimal(item: Mapping[str, object], key: str) -> Decimal:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid(f"{key} must be a number, not {value!r}")
    try:
        number = Decimal(str(value))  # a float's shortest form: 0.08 stays 0.08
    except InvalidOperation:
        raise _Invalid(f"{key} must be a number, not {value!r}") from None
    if not number.is_finite():
        raise _Invalid(f"{key} must be a finite number, not {value!r}")
    return number


def _terms(item: Mapping[str, object]) -> PaymentTerms:
    value = item.get("terms")
    if not isinstance(value, str):
        raise _Invalid(f"terms must be text such as 'net 60' or '2/10 net 30', not {value!r}")
    try:
        return parse_terms(value)
    except TermsError as exc:
        raise _Invalid(str(exc)) from None
