"""Subscription billing (the ``saas`` preset): monthly invoices on a billing day, card or bank
payment, failed card charges with retries, and churn.

A card customer is charged on the invoice date; a charge fails with the customer's failure rate
and is retried 3, 5 and 7 days later (every attempt is kept in ``charge_attempts.csv``). A third
of failures are hard declines that no retry fixes; a soft one clears on each retry with 60 %. When all
four attempts fail, the customer is asked to pay another way and does so by bank transfer, as late
as its type makes it. Each successful charge reaches the bank as a processor settlement two
business days later, net of the processor's fee (2.9 % + 0.30): a short-pay cash application must
explain. Bank customers pay like any other customer of their type.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

RETRY_DAYS = (0, 3, 5, 7)
HARD_DECLINE_SHARE = 0.35
SOFT_RETRY_SUCCESS = 0.6
PROCESSOR = "CARDPAY PAYMENTS LTD"
_CENT = Decimal("0.01")
#: Plan prices by customer size (the size's monthly price list).
PLANS = {
    "small": ("49.00", "99.00"),
    "medium": ("299.00", "499.00", "999.00"),
    "large": ("2499.00", "4999.00"),
}


@dataclass(frozen=True, slots=True)
class Subscription:
    price: Decimal
    by_card: bool
    card_failure_rate: float
    billing_day: int
    churn_month: int | None  # month index from which it is no longer billed


@dataclass(frozen=True, slots=True)
class ChargeAttempt:
    invoice_id: str
    attempt: int
    day: date
    succeeded: bool


def draw_subscription(rng: random.Random, *, size: str, months: int, monthly_churn: float) -> Subscription:
    churn_month = next((m for m in range(1, months) if rng.random() < monthly_churn), None)
    return Subscription(
        price=Decimal(rng.choice(PLANS[size])),
        by_card=rng.random() < 0.6,
        card_failure_rate=rng.uniform(0.02, 0.15),
        billing_day=rng.randint(1, 28),
        churn_month=churn_month,
    )


def charge(
    rng: random.Random, subscription: Subscription, invoice_id: str, issued: date
) -> tuple[date | None, list[ChargeAttempt]]:
    """The day a card charge succeeds (None when every retry fails) and every attempt made."""
    if rng.random() >= subscription.card_failure_rate:
        return issued, [ChargeAttempt(invoice_id, 1, issued, True)]
    attempts = [ChargeAttempt(invoice_id, 1, issued, False)]
    # Failures are not independent: an expired or blocked card fails every retry (a hard
    # decline); insufficient funds often clear within days (a soft decline).
    hard = rng.random() < HARD_DECLINE_SHARE
    for number, offset in enumerate(RETRY_DAYS[1:], start=2):
        day = issued + timedelta(days=offset)
        succeeded = not hard and rng.random() < SOFT_RETRY_SUCCESS
        attempts.append(ChargeAttempt(invoice_id, number, day, succeeded))
        if succeeded:
            return day, attempts
    return None, attempts


def processor_fee(amount: Decimal) -> Decimal:
    return (amount * Decimal("0.029") + Decimal("0.30")).quantize(_CENT)
