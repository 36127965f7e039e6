"""The worklist's settings as one value: the actions on the menu (minutes and cost per channel, in
both tones), the holdout, the recent-cash window, and how currencies are ranked against each other.

Ranking across currencies: an action's value is computed exactly per currency (integer minor units);
to rank customers of different currencies against one another, each currency's value is turned
into the reference currency at the configured rate (one for one where none is set). The rate only
orders the list: every amount shown stays in its own currency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from dunwell.config import Settings
from dunwell.core.money import decimal_to_minor, minor_to_decimal, quantum
from dunwell.ml.action_value import ActionOption
from dunwell.ml.response import CALL, EMAIL, LETTER

CHANNEL_NAMES = {EMAIL: "email", LETTER: "letter", CALL: "call"}
CHANNEL_OF_NAME = {name: code for code, name in CHANNEL_NAMES.items()}
#: A broken promise in the last BROKEN_PROMISE_DAYS raises the customer's rank by this share of its
#: value: the response model has no promise input, and a collector's word given back to a customer
#: who broke theirs is the call that most often brings the cash (DOMAIN.md §1).
BROKEN_PROMISE_BONUS = Decimal("0.25")
BROKEN_PROMISE_DAYS = 30
#: Contact rules (RULES.md RF-CALL-1): nobody is contacted again within a week of the last touch
#: (counting its day as day 1), and never after 7 calls in 7 days.
QUIET_DAYS = 7
CALL_CAP = 7


@dataclass(frozen=True)
class WorklistPolicy:
    options: tuple[ActionOption, ...]
    recent_cash_days: int = 5
    holdout_share: float = 0.05
    reference_currency: str = "USD"
    rates: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorklistPolicy:
        reference = settings.worklist_reference_currency.upper()
        options = []
        for name, minutes in settings.worklist_action_minutes.items():
            code = CHANNEL_OF_NAME.get(name)
            if code is None or minutes <= 0:
                continue
            cost = settings.worklist_action_costs.get(name, Decimal(0))
            cost_minor = decimal_to_minor(Decimal(cost), reference)
            options += [
                ActionOption(code, False, minutes, cost_minor),
                ActionOption(code, True, minutes, cost_minor),
            ]
        return cls(
            options=tuple(options),
            recent_cash_days=settings.worklist_recent_cash_days,
            holdout_share=settings.worklist_holdout_share,
            reference_currency=reference,
            rates={k.upper(): Decimal(v) for k, v in settings.worklist_currency_rates.items()},
        )

    def minutes_of(self, channel: str) -> int:
        """The minutes a touch on ``channel`` takes (sms as an email, a meeting as a call)."""
        name = {"sms": "email", "meeting": "call"}.get(channel, channel)
        found = [o.minutes for o in self.options if CHANNEL_NAMES[o.channel] == name]
        return found[0] if found else 0

    def in_reference(self, minor: int, currency: str) -> int:
        """``minor`` units of ``currency`` as minor units of the reference currency (for ranking)."""
        if currency == self.reference_currency:
            return minor
        major = minor_to_decimal(minor, currency) * self.rates.get(currency, Decimal(1))
        return decimal_to_minor(
            major.quantize(quantum(self.reference_currency), ROUND_HALF_EVEN), self.reference_currency
        )


def default_policy() -> WorklistPolicy:
    return WorklistPolicy.from_settings(Settings())
