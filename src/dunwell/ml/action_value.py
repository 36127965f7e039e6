"""What a collection action is worth, and the day's work that brings the most cash per minute.

For a customer and an action (a channel in a tone), the expected extra cash within 30 days is the
sum over its items at stake of amount x (P(paid within h | action) − P(paid within h | no action)),
**averaged over every horizon h from 1 to 30 days**, less the action's own cost (postage, say);
divided by the minutes it takes, it ranks the day's work (ADR 0024). Averaged over the horizons,
the figure is the cash-days an action gains within 30 days, over 30: paying 20 days sooner counts,
not only crossing day 30. At the single horizon of 30 days an action is worth nothing for the many
items that would be paid by then anyway, however late, and a policy ranked by it did no better
than oldest-first in the strategy lab even with the simulator's true response parameters.

With the response model's structure (an action gets a share r of items paid within days), the
average is amount x r x (the share of the 30 days the item would still wait without action).
Money stays in integer minor units: uplifts are turned into basis points before they meet an
amount, and sums are exact; only the ranking key (value per minute) is a ratio.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dunwell.ml.response import CALL, EMAIL, LETTER, ResponseModel

BASIS = 10_000


@dataclass(frozen=True, slots=True)
class ActionOption:
    """One thing a collector can do for a customer today, with its minutes and its cost."""

    channel: int  # response.EMAIL, LETTER or CALL
    firm: bool
    minutes: int
    cost_minor: int = 0


#: The default menu: minutes per action as the strategy lab counts them; a letter's postage.
DEFAULT_OPTIONS = (
    ActionOption(EMAIL, False, 2),
    ActionOption(EMAIL, True, 2),
    ActionOption(LETTER, False, 5, 150),
    ActionOption(LETTER, True, 5, 150),
    ActionOption(CALL, False, 12),
    ActionOption(CALL, True, 12),
)


@dataclass(frozen=True, slots=True)
class ActionValue:
    """The best action for one customer and what it is expected to bring."""

    customer: int
    option: ActionOption
    expected_minor: int  # extra cash within the horizon, before the action's cost
    value_minor: int  # after its cost
    at_stake_minor: int
    p_untouched: float  # amount-weighted P(paid within the horizon | no action)

    @property
    def per_minute(self) -> float:
        return self.value_minor / self.option.minutes


def action_values(
    model: ResponseModel,
    X: pd.DataFrame,
    customer: np.ndarray,
    amount_minor: np.ndarray,
    options: Sequence[ActionOption] = DEFAULT_OPTIONS,
) -> dict[int, list[ActionValue]]:
    """Per customer (codes in ``customer``, one per row of ``X``), every action worth more than nothing."""
    if not len(X):
        return {}
    codes, index = np.unique(customer, return_inverse=True)
    amount = amount_minor.astype(np.int64)
    base = model.p_untouched(X)
    waiting = model.waiting_share(X)
    at_stake = np.zeros(len(codes), np.int64)
    np.add.at(at_stake, index, amount)
    weighted_base = np.zeros(len(codes))
    np.add.at(weighted_base, index, base * amount)
    values: dict[int, list[ActionValue]] = {}
    for option in options:
        uplift = model.rate(X, option.channel, option.firm, base=base) * waiting
        expected = np.zeros(len(codes), np.int64)
        np.add.at(expected, index, amount * np.rint(uplift * BASIS).astype(np.int64) // BASIS)
        for position in np.flatnonzero(expected - option.cost_minor > 0):
            values.setdefault(int(codes[position]), []).append(
                ActionValue(
                    customer=int(codes[position]),
                    option=option,
                    expected_minor=int(expected[position]),
                    value_minor=int(expected[position]) - option.cost_minor,
                    at_stake_minor=int(at_stake[position]),
                    p_untouched=float(weighted_base[position] / max(at_stake[position], 1)),
                )
            )
    return values


def plan_day(values: dict[int, list[ActionValue]], capacity_minutes: int) -> list[ActionValue]:
    """At most one action per customer, as much value as the day's minutes allow; best per minute first.

    A multiple-choice knapsack solved greedily: each customer's options on the upper hull of
    (minutes, value) become steps (e-mail, then upgrade to a call, say) ranked by the value each
    adds per minute it adds; steps are taken best first while they fit. With minutes to spare
    everyone gets their most valuable action; when minutes are short, the cheap and effective
    ones come first.
    """
    steps: list[tuple[float, int, int, ActionValue]] = []
    for code, options in values.items():
        hull = _upper_hull(options)
        previous_minutes, previous_value = 0, 0
        for rank, option in enumerate(hull):
            added = (option.value_minor - previous_value) / (option.option.minutes - previous_minutes)
            steps.append((added, code, rank, option))
            previous_minutes, previous_value = option.option.minutes, option.value_minor
    steps.sort(key=lambda s: (-s[0], s[1], s[2]))
    chosen: dict[int, ActionValue] = {}
    next_rank: dict[int, int] = {}
    left = capacity_minutes
    for _, code, rank, option in steps:
        if next_rank.get(code, 0) != rank:
            continue  # an earlier step of this customer did not fit
        held = chosen.get(code)
        extra = option.option.minutes - (held.option.minutes if held else 0)
        if extra > left:
            next_rank[code] = -1
            continue
        left -= extra
        chosen[code] = option
        next_rank[code] = rank + 1
    return sorted(chosen.values(), key=lambda v: (-v.per_minute, v.customer))


def _upper_hull(options: Sequence[ActionValue]) -> list[ActionValue]:
    """The options worth taking: more minutes only for more value, at a falling rate per minute."""
    best_at: dict[int, ActionValue] = {}
    for option in options:
        held = best_at.get(option.option.minutes)
        if held is None or option.value_minor > held.value_minor:
            best_at[option.option.minutes] = option
    hull: list[ActionValue] = []
    for option in sorted(best_at.values(), key=lambda o: o.option.minutes):
        if hull and option.value_minor <= hull[-1].value_minor:
            continue
        while hull:
            last = hull[-1]
            before = hull[-2] if len(hull) > 1 else None
            m0, v0 = (before.option.minutes, before.value_minor) if before else (0, 0)
            rate_last = (last.value_minor - v0) / (last.option.minutes - m0)
            rate_new = (option.value_minor - last.value_minor) / (option.option.minutes - last.option.minutes)
            if rate_new >= rate_last:
                hull.pop()  # the last one is dominated by mixing its neighbours
            else:
                break
        hull.append(option)
    return hull


def in_holdout(customer_id: str, share: float, salt: str = "") -> bool:
    """Whether a customer is in the randomised holdout (stable: the same customers every day)."""
    if share <= 0:
        return False
    digest = hashlib.sha256(f"{salt}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share
