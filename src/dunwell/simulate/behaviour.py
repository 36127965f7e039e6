"""How a simulated customer pays: its latent type, its parameters, and the delay of each invoice.

Delays are days relative to the due date (negative: early). A customer's parameters are drawn
once from its type; each invoice's delay is drawn from them, given the month of the simulation
(deteriorating and chronic customers change over time) and the calendar (seasonal slowdowns).
The payment *day* then follows the customer's payment habit (``PaymentHabit``): a weekly or
month-end payment run moves it to the run day, and runs skip weekends and public holidays.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class CustomerType(StrEnum):
    EARLY = "early_payer"
    ON_TIME = "on_time"
    STEADY_LATE = "steady_late"
    CHRONIC_LATE = "chronic_late"
    SEASONAL = "seasonal"
    DETERIORATING = "deteriorating"
    DISPUTE_PRONE = "dispute_prone"


class PaymentHabit(StrEnum):
    AS_DUE = "as_due"  # pays each invoice on its own day
    WEEKLY_RUN = "weekly_run"  # a payment run on one weekday
    MONTH_END_RUN = "month_end_run"  # a payment run on the last business day of the month


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One customer's latent payment behaviour (written to ``behaviour_truth.csv``)."""

    type: CustomerType
    habit: PaymentHabit
    run_weekday: int  # 0 = Monday; used by weekly runs
    mean_delay: float  # days after due, at the start of the simulation
    spread: float  # standard deviation of the delay, days
    drift_per_month: float  # added to mean_delay each month (deteriorating customers)
    spread_growth: float  # added to spread each month (chronic late payers)
    takes_discount: float  # probability of taking an early-payment discount when offered
    partial_share: float  # probability that an invoice is paid in two instalments
    dispute_rate: float  # probability that an invoice is disputed
    default_month: int | None  # month index from which nothing more is paid (written off)
    seasonal_extra: float  # extra days of delay at quarter ends (doubled at year end)


def delay_days(rng: random.Random, behaviour: Behaviour, *, due: date, month: int) -> int:
    """Days after ``due`` the customer means to pay an invoice due on ``due`` (before payment runs)."""
    mean = behaviour.mean_delay + behaviour.drift_per_month * month
    spread = behaviour.spread + behaviour.spread_growth * month
    if behaviour.type is CustomerType.CHRONIC_LATE:
        # Right-skewed: most invoices a little late, some very late.
        delay = mean * rng.lognormvariate(0.0, min(1.2, spread / max(mean, 1.0)))
    else:
        delay = rng.gauss(mean, spread)
    if behaviour.seasonal_extra and due.month in (3, 6, 9, 12) and due.day >= 10:
        delay += behaviour.seasonal_extra * (2 if due.month == 12 else 1) * rng.uniform(0.5, 1.5)
    return round(delay)


def next_business_day(day: date, closed: set[date]) -> date:
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def previous_business_day(day: date, closed: set[date]) -> date:
    while day.weekday() >= 5 or day in closed:
        day -= timedelta(days=1)
    return day


def payment_day(behaviour: Behaviour, intended: date, closed: set[date]) -> date:
    """The day the money leaves: the intended day moved to the customer's next payment run."""
    if behaviour.habit is PaymentHabit.WEEKLY_RUN:
        ahead = (behaviour.run_weekday - intended.weekday()) % 7
        return next_business_day(intended + timedelta(days=ahead), closed)
    if behaviour.habit is PaymentHabit.MONTH_END_RUN:
        last = _month_end(intended)
        return previous_business_day(last, closed)
    return next_business_day(intended, closed)


def _month_end(day: date) -> date:
    first_of_next = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A log-normal draw given its median (``exp(mu)``) and the sigma of its logarithm."""
    return median * math.exp(rng.gauss(0.0, sigma))
