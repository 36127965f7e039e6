"""Company presets: who the customers are, what they buy, on which terms, and how they pay.

Each preset is calibrated against a real dataset (see the calibration tests): ``ibm`` against
the IBM accounts-receivable sample, ``distributor`` against the food-distribution book in
../shared/data/open-ar-book. Type profiles give, per customer type, the ranges its parameters
are drawn from; the type mix gives how many customers of each type a company has.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from dunwell.core.terms import PaymentTerms
from dunwell.simulate.behaviour import Behaviour, CustomerType, PaymentHabit


@dataclass(frozen=True, slots=True)
class Terms:
    code: str
    net_days: int
    weight: float
    discount_days: int | None = None  # "2/10 net 30": 2 % off when paid within 10 days
    discount_percent: int = 0
    end_of_month: bool = False  # due at the end of the month after net_days

    def payment_terms(self) -> PaymentTerms:
        """The same terms in the notation the product reads (and rounds discounts by)."""
        percent = Decimal(self.discount_percent) if self.discount_days else None
        return PaymentTerms(self.net_days, percent, self.discount_days, self.end_of_month)


@dataclass(frozen=True, slots=True)
class Entity:
    code: str
    currency: str
    country: str
    weight: float
    time_zone: str = "America/New_York"  # of its customers
    #: The account its customers pay into (bank statements are for this account).
    account: str = "000123456789"


@dataclass(frozen=True, slots=True)
class TypeProfile:
    """Ranges (low, high) that a customer's parameters are drawn from, uniformly."""

    mean_delay: tuple[float, float]
    spread: tuple[float, float]
    habits: tuple[tuple[PaymentHabit, float], ...] = ((PaymentHabit.AS_DUE, 1.0),)
    drift_per_month: tuple[float, float] = (0.0, 0.0)
    spread_growth: tuple[float, float] = (0.0, 0.0)
    takes_discount: tuple[float, float] = (0.0, 0.0)
    partial_share: tuple[float, float] = (0.0, 0.02)
    dispute_rate: tuple[float, float] = (0.005, 0.02)
    seasonal_extra: tuple[float, float] = (0.0, 0.0)
    default_after_months: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    entities: tuple[Entity, ...]
    terms: tuple[Terms, ...]
    type_mix: tuple[tuple[CustomerType, float], ...]
    profiles: dict[CustomerType, TypeProfile]
    #: Median invoice amount (major units) of a medium customer, and the log-sigma around it.
    invoice_median: float
    invoice_sigma: float
    invoice_bounds: tuple[float, float]
    #: Invoices a customer receives per month: log-normal median and sigma across customers.
    invoices_per_month: tuple[float, float]
    #: Customer size multipliers on invoice amounts, with their weights.
    sizes: tuple[tuple[str, float, float], ...] = (
        ("small", 0.5, 0.5),
        ("medium", 1.0, 0.35),
        ("large", 2.5, 0.15),
    )
    #: Share of invoices later credited (returns, short shipments, price corrections); the
    #: customer deducts the credit memo from its payment (see company._CANCELLED_SHARE).
    credit_memo_share: float = 0.02
    industries: tuple[str, ...] = ("retail", "manufacturing", "services", "wholesale", "healthcare")
    #: Share of customers that join during the simulated period (little history).
    new_customer_share: float = 0.1
    #: Share of the smaller customers that belong to a group: a large customer is their parent.
    group_share: float = 0.3
    #: Share of a group member's payments that its parent makes for it; and of all payments, the
    #: share made from an account never seen before.
    parent_payer_share: float = 0.03
    new_account_share: float = 0.05
    bank_fee_share: float = 0.03
    overpayment_share: float = 0.005
    #: A customer that would pay this many days after the due date or later never pays at all.
    write_off_days: int = 180
    #: Monthly subscriptions on a billing day instead of invoices drawn at random (``subscriptions``).
    subscription: bool = False
    monthly_churn: float = 0.015
    extra: dict[str, str] = field(default_factory=dict)


def draw_behaviour(rng: random.Random, preset: Preset, customer_type: CustomerType) -> Behaviour:
    profile = preset.profiles[customer_type]
    habits, weights = zip(*profile.habits, strict=True)
    default_month = None
    if profile.default_after_months is not None:
        default_month = rng.randint(*profile.default_after_months)
    return Behaviour(
        type=customer_type,
        habit=rng.choices(habits, weights)[0],
        run_weekday=rng.choice((1, 3, 4)),  # Tuesday, Thursday or Friday runs
        mean_delay=rng.uniform(*profile.mean_delay),
        spread=rng.uniform(*profile.spread),
        drift_per_month=rng.uniform(*profile.drift_per_month),
        spread_growth=rng.uniform(*profile.spread_growth),
        takes_discount=rng.uniform(*profile.takes_discount),
        partial_share=rng.uniform(*profile.partial_share),
        dispute_rate=rng.uniform(*profile.dispute_rate),
        default_month=default_month,
        seasonal_extra=rng.uniform(*profile.seasonal_extra),
    )


_RUNS = ((PaymentHabit.AS_DUE, 0.5), (PaymentHabit.WEEKLY_RUN, 0.35), (PaymentHabit.MONTH_END_RUN, 0.15))

IBM = Preset(
    name="ibm",
    entities=(Entity("US01", "USD", "US", 1.0, account="000111222333"),),
    terms=(Terms("NET30", 30, 1.0),),
    type_mix=(
        (CustomerType.EARLY, 0.38),
        (CustomerType.ON_TIME, 0.23),
        (CustomerType.STEADY_LATE, 0.15),
        (CustomerType.CHRONIC_LATE, 0.07),
        (CustomerType.SEASONAL, 0.06),
        (CustomerType.DETERIORATING, 0.03),
        (CustomerType.DISPUTE_PRONE, 0.08),
    ),
    profiles={
        CustomerType.EARLY: TypeProfile(mean_delay=(-18, -4), spread=(3, 7)),
        CustomerType.ON_TIME: TypeProfile(mean_delay=(-8, -3), spread=(1, 3), habits=_RUNS),
        CustomerType.STEADY_LATE: TypeProfile(mean_delay=(2, 12), spread=(2, 5)),
        CustomerType.CHRONIC_LATE: TypeProfile(mean_delay=(5, 12), spread=(4, 8), spread_growth=(0.05, 0.2)),
        CustomerType.SEASONAL: TypeProfile(mean_delay=(-6, 0), spread=(2, 4), seasonal_extra=(6, 12)),
        CustomerType.DETERIORATING: TypeProfile(
            mean_delay=(-2, 4),
            spread=(2, 4),
            drift_per_month=(0.8, 2.0),
            partial_share=(0.05, 0.2),
            default_after_months=(12, 30),
        ),
        CustomerType.DISPUTE_PRONE: TypeProfile(
            mean_delay=(-8, -2), spread=(2, 5), dispute_rate=(0.15, 0.35)
        ),
    },
    invoice_median=60.0,
    invoice_sigma=0.35,
    invoice_bounds=(5.0, 130.0),
    invoices_per_month=(1.0, 0.3),
    sizes=(("small", 0.9, 0.4), ("medium", 1.0, 0.4), ("large", 1.15, 0.2)),
    credit_memo_share=0.0,
    new_customer_share=0.05,
)

DISTRIBUTOR = Preset(
    name="distributor",
    entities=(
        Entity("U001", "USD", "US", 0.927, "America/Chicago", account="000400112233"),
        Entity("CA02", "CAD", "CA", 0.073, "America/Toronto", account="CA0200445566"),
    ),
    # The open book's term codes with their shares and the median days from baseline to due date
    # (0 for NAX2: due on receipt). NA32 is taken to be "2 % 10, net 32" (the discount is an
    # assumption: the data has no clearing amounts to show it).
    terms=(
        Terms("NAA8", 15, 0.41),
        Terms("NAH4", 15, 0.30),
        Terms("CA10", 10, 0.072),
        Terms("NAC6", 15, 0.042),
        Terms("NAM4", 23, 0.027),
        Terms("NAGD", 65, 0.026),
        Terms("NAAX", 15, 0.025),
        Terms("NAU5", 15, 0.021),
        Terms("NAM2", 10, 0.011),
        Terms("NAD1", 20, 0.011),
        Terms("NAG2", 35, 0.008),
        Terms("NA32", 32, 0.02, discount_days=10, discount_percent=2),
        Terms("NAX2", 0, 0.007),
        Terms("NA10", 10, 0.006),
    ),
    type_mix=(
        (CustomerType.EARLY, 0.17),
        (CustomerType.ON_TIME, 0.50),
        (CustomerType.STEADY_LATE, 0.11),
        (CustomerType.CHRONIC_LATE, 0.07),
        (CustomerType.SEASONAL, 0.08),
        (CustomerType.DETERIORATING, 0.02),
        (CustomerType.DISPUTE_PRONE, 0.05),
    ),
    profiles={
        CustomerType.EARLY: TypeProfile(mean_delay=(-20, -4), spread=(2, 6), takes_discount=(0.6, 0.95)),
        CustomerType.ON_TIME: TypeProfile(
            mean_delay=(-4, -1), spread=(0.5, 2), habits=_RUNS, takes_discount=(0.2, 0.6)
        ),
        CustomerType.STEADY_LATE: TypeProfile(mean_delay=(-1, 3), spread=(1.5, 4)),
        CustomerType.CHRONIC_LATE: TypeProfile(mean_delay=(3, 9), spread=(10, 20), spread_growth=(0.05, 0.2)),
        CustomerType.SEASONAL: TypeProfile(mean_delay=(-4, 0), spread=(1, 3), seasonal_extra=(4, 10)),
        CustomerType.DETERIORATING: TypeProfile(
            mean_delay=(-1, 3),
            spread=(2, 4),
            drift_per_month=(0.3, 1.2),
            partial_share=(0.05, 0.25),
            default_after_months=(10, 30),
        ),
        CustomerType.DISPUTE_PRONE: TypeProfile(mean_delay=(-4, 0), spread=(2, 5), dispute_rate=(0.1, 0.3)),
    },
    invoice_median=24_000.0,
    invoice_sigma=1.1,
    invoice_bounds=(50.0, 2_000_000.0),
    invoices_per_month=(2.0, 0.8),
)

SAAS = Preset(
    name="saas",
    entities=(
        Entity("US01", "USD", "US", 0.6, "America/New_York", account="000700889900"),
        Entity("GB01", "GBP", "GB", 0.25, "Europe/London", account="GB29NWBK60161331926819"),
        Entity("DE01", "EUR", "DE", 0.15, "Europe/Berlin", account="DE89370400440532013000"),
    ),
    # Card customers are charged on the invoice date (their terms become DUE0); the rest pay by
    # bank transfer on these terms.
    terms=(Terms("NET14", 14, 0.5), Terms("NET30", 30, 0.5)),
    type_mix=(
        (CustomerType.EARLY, 0.15),
        (CustomerType.ON_TIME, 0.45),
        (CustomerType.STEADY_LATE, 0.15),
        (CustomerType.CHRONIC_LATE, 0.1),
        (CustomerType.SEASONAL, 0.05),
        (CustomerType.DETERIORATING, 0.05),
        (CustomerType.DISPUTE_PRONE, 0.05),
    ),
    profiles={
        CustomerType.EARLY: TypeProfile(mean_delay=(-10, -2), spread=(1, 3)),
        CustomerType.ON_TIME: TypeProfile(mean_delay=(-3, 1), spread=(1, 2), habits=_RUNS),
        CustomerType.STEADY_LATE: TypeProfile(mean_delay=(3, 12), spread=(2, 5)),
        CustomerType.CHRONIC_LATE: TypeProfile(mean_delay=(8, 20), spread=(6, 12), spread_growth=(0.1, 0.3)),
        CustomerType.SEASONAL: TypeProfile(mean_delay=(-2, 2), spread=(1, 3), seasonal_extra=(5, 12)),
        CustomerType.DETERIORATING: TypeProfile(
            mean_delay=(0, 5), spread=(2, 4), drift_per_month=(1.0, 3.0), default_after_months=(6, 20)
        ),
        CustomerType.DISPUTE_PRONE: TypeProfile(mean_delay=(-2, 4), spread=(2, 4), dispute_rate=(0.05, 0.15)),
    },
    invoice_median=0.0,  # subscriptions: the plan price (``subscriptions.PLANS``)
    invoice_sigma=0.0,
    invoice_bounds=(0.0, 0.0),
    invoices_per_month=(1.0, 0.0),
    sizes=(("small", 1.0, 0.6), ("medium", 1.0, 0.3), ("large", 1.0, 0.1)),
    industries=("software", "agency", "ecommerce", "education", "healthcare"),
    subscription=True,
    bank_fee_share=0.01,
)

PRESETS: dict[str, Preset] = {p.name: p for p in (IBM, DISTRIBUTOR, SAAS)}
