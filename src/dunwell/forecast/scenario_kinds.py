"""What a what-if scenario is run on (``ScenarioBase``) and the four kinds of change (issue 19).

Customers are named by their key (the customer id as a string) or by their name; a name that two
customers share is refused (give the key). Segments and risk bands are named as the base knows
them; ``""`` is the segment (or band) of customers without one. Naming anything the base does not
know is an error, never an empty selection: a typo must not read as "no effect".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from dunwell.core.errors import CurrencyError, DunwellError, ErrorKind
from dunwell.core.money import minor_to_decimal
from dunwell.forecast.new_billing import BillingPattern

#: The uptake of an early-payment discount where neither the scenario nor the history gives one.
DEFAULT_UPTAKE = 0.3
#: Windows (days after the origin) at which the strategy lab measures cash.
LAB_WINDOWS = (30, 60, 90)


class ScenarioError(DunwellError):
    """A scenario that cannot be run on this base; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="scenario_invalid", kind=ErrorKind.INVALID)


@dataclass(frozen=True)
class ScenarioBase:
    """One currency's book at the origin, as the base forecast sees it.

    Open invoices: ``amount_minor``, ``p10``/``p50``/``p90`` (days after the origin), ``p_never``,
    ``customer`` (index into ``customer_keys``) and ``due_in_days`` (due date minus origin).
    Per customer (index order): key, name, segment, risk band, billing per day over the trailing
    13 weeks (minor units), typical terms (days from issue to due). ``discount_history``: per
    segment, the share of invoices paid within a discount window where the history has discounts.
    ``sales_last_90_minor`` and ``open_minor``: billing of the 90 days to the origin and the
    receivable at it (DSO at the origin, and the receivable the horizon starts from).
    """

    currency: str
    amount_minor: NDArray[np.int64]
    p10: NDArray[np.float64]
    p50: NDArray[np.float64]
    p90: NDArray[np.float64]
    p_never: NDArray[np.float64]
    customer: NDArray[np.int64]
    due_in_days: NDArray[np.int64]
    customer_keys: tuple[str, ...]
    customer_names: tuple[str, ...]
    segment: tuple[str, ...]
    risk_band: tuple[str, ...]
    billing_per_day: NDArray[np.float64]
    billing_pattern: BillingPattern
    terms_days: NDArray[np.int64]
    discount_history: dict[str, float]
    sales_last_90_minor: int
    open_minor: int
    horizon_days: int = 91
    draws: int = 1_000
    rho: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        invoices = len(self.amount_minor)
        for name in ("p10", "p50", "p90", "p_never", "customer", "due_in_days"):
            if len(getattr(self, name)) != invoices:
                raise ValueError(
                    f"ScenarioBase.{name} has {len(getattr(self, name))} values for {invoices} invoices"
                )
        customers = len(self.customer_keys)
        for name in ("customer_names", "segment", "risk_band", "billing_per_day", "terms_days"):
            if len(getattr(self, name)) != customers:
                raise ValueError(
                    f"ScenarioBase.{name} has {len(getattr(self, name))} values for {customers} customers"
                )
        if invoices and (int(self.customer.min()) < 0 or int(self.customer.max()) >= customers):
            raise ValueError("ScenarioBase.customer points outside customer_keys")
        if len(set(self.customer_keys)) != customers:
            raise ValueError("ScenarioBase.customer_keys are not unique")
        if self.horizon_days < 7:
            raise ValueError(f"a horizon of {self.horizon_days} days has no whole week")

    @property
    def customers(self) -> int:
        return len(self.customer_keys)


@dataclass(frozen=True)
class PolicyEffect:
    """How a collection policy moved cash on the strategy lab's stand-in company: per window (days),
    the ratio of cash received within it under the policy to that under the ``none`` policy."""

    policy: str
    cash_ratio: Mapping[int, float]
    source: str  # in words: where the ratios come from (the lab run, or stated in a scenario file)


@dataclass(frozen=True)
class TermsChange:
    """New invoices of the chosen customers are issued on ``to_days`` terms (open ones keep theirs);
    with ``from_days``, only customers now on those terms. ``cost_of_capital_annual`` (optional)
    prices the cash that comes later."""

    to_days: int
    customers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    everyone: bool = False
    from_days: int | None = None
    cost_of_capital_annual: Decimal | None = None
    name: str = "terms change"

    kind = "terms_change"


@dataclass(frozen=True)
class EarlyPaymentDiscount:
    """ "``percent``/``discount_days`` net ``net_days``" offered on new invoices of the chosen
    customers. ``uptake`` per segment overrides the history; without either, ``default_uptake``."""

    percent: Decimal
    discount_days: int
    net_days: int | None = None
    customers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    everyone: bool = False
    uptake: Mapping[str, float] | None = None
    default_uptake: float = DEFAULT_UPTAKE
    cost_of_capital_annual: Decimal = Decimal("0.10")
    name: str = "early-payment discount"

    kind = "early_payment_discount"


@dataclass(frozen=True)
class CreditTightening:
    """New billing of the customers in ``risk_band`` cut by ``billing_cut`` (a share). With
    ``margin`` (a share of billing), the margin lost is the cost; with ``bad_debt_avoided``, the
    never-paid part of the billing not made is the value."""

    risk_band: str
    billing_cut: float
    bad_debt_avoided: bool = True
    margin: float | None = None
    name: str = "credit tightening"

    kind = "credit_tightening"


@dataclass(frozen=True)
class CollectionPolicy:
    """Collect under ``policy`` instead of the current practice; ``lab_effect`` is its measured (or
    stated) effect: run ``with_lab_effects`` to measure it when it is missing."""

    policy: str
    lab_effect: PolicyEffect | None = None
    name: str = "collection policy"

    kind = "collection_policy"


Scenario = TermsChange | EarlyPaymentDiscount | CreditTightening | CollectionPolicy


def check_scenario(scenario: Scenario) -> None:
    """Numbers out of range raise ``ScenarioError`` (the file reader reports them with the file)."""
    if isinstance(scenario, TermsChange | EarlyPaymentDiscount):
        _check_selection(scenario.customers, scenario.segments, scenario.everyone)
    if isinstance(scenario, TermsChange):
        if not 0 <= scenario.to_days <= 365:
            raise ScenarioError(f"to_days must be 0..365 days, not {scenario.to_days}")
        _check_rate(scenario.cost_of_capital_annual)
    elif isinstance(scenario, EarlyPaymentDiscount):
        if not Decimal(0) < scenario.percent < Decimal(100):
            raise ScenarioError(f"percent must be above 0 and below 100, not {scenario.percent}")
        if not 0 <= scenario.discount_days <= 365:
            raise ScenarioError(f"discount_days must be 0..365, not {scenario.discount_days}")
        if scenario.net_days is not None and not scenario.discount_days <= scenario.net_days <= 365:
            raise ScenarioError(f"net_days must be discount_days..365, not {scenario.net_days}")
        for segment, share in {**(scenario.uptake or {}), "default": scenario.default_uptake}.items():
            _check_share(share, f"uptake of {segment!r}")
        _check_rate(scenario.cost_of_capital_annual)
    elif isinstance(scenario, CreditTightening):
        _check_share(scenario.billing_cut, "billing_cut")
        if scenario.margin is not None:
            _check_share(scenario.margin, "margin")
    elif scenario.lab_effect is not None:
        for window, ratio in scenario.lab_effect.cash_ratio.items():
            if window not in LAB_WINDOWS or not 0.0 < ratio < 10.0:
                raise ScenarioError(
                    f"a cash ratio at {window} days of {ratio} (windows {LAB_WINDOWS}, ratio 0..10)"
                )


def _check_selection(customers: tuple[str, ...], segments: tuple[str, ...], everyone: bool) -> None:
    if everyone and (customers or segments):
        raise ScenarioError("choose customers or segments, or everyone: not both")
    if not (everyone or customers or segments):
        raise ScenarioError("the scenario names no customers and no segments (say everyone to mean all)")


def _check_share(value: float, what: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise ScenarioError(f"{what} must be a share between 0 and 1, not {value}")


def _check_rate(rate: Decimal | None) -> None:
    if rate is not None and not Decimal(0) <= rate <= Decimal(1):
        raise ScenarioError(f"the annual cost of capital must be a share between 0 and 1, not {rate}")


def select_customers(
    base: ScenarioBase, customers: tuple[str, ...], segments: tuple[str, ...], everyone: bool
) -> NDArray[np.bool_]:
    """Per customer, whether the scenario names it (by key, name or segment); unknown names raise."""
    chosen = np.full(base.customers, everyone, dtype=bool)
    known_segments = set(base.segment)
    for segment in segments:
        if segment not in known_segments:
            raise ScenarioError(f"unknown segment {segment!r}; the book has: {_listed(known_segments)}")
        chosen |= np.asarray([s == segment for s in base.segment], dtype=bool)
    for wanted in customers:
        chosen[customer_index(base.customer_keys, base.customer_names, wanted)] = True
    return chosen


def customer_index(keys: tuple[str, ...], names: tuple[str, ...], wanted: str) -> int:
    """The customer a scenario names by key (first) or by name; unknown or shared names raise."""
    if wanted in keys:
        return keys.index(wanted)
    found = [i for i, name in enumerate(names) if name == wanted]
    if not found:
        raise ScenarioError(f"unknown customer {wanted!r} (neither a customer id nor a name in this book)")
    if len(found) > 1:
        raise ScenarioError(f"{len(found)} customers are named {wanted!r}: give the customer id")
    return found[0]


def _listed(values: set[str]) -> str:
    shown = sorted(repr(v) for v in values)
    return ", ".join(shown[:20]) + (f" and {len(shown) - 20} more" if len(shown) > 20 else "")


def money_text(base: ScenarioBase, minor: float) -> str:
    """An amount in an assumption's text: ``10,781,948.33 USD`` (whole minor units, rounded)."""
    whole = round(minor)
    try:
        return f"{minor_to_decimal(whole, base.currency):,} {base.currency}"
    except CurrencyError:  # an unknown currency code: the amount is still exact in minor units
        return f"{whole:,} minor units of {base.currency}"
