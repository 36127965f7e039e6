"""The response model (what an action does) and the valuation of a day's work (cash per minute)."""
# ruff: noqa: N803, N806  (X for a feature matrix, as in src/dunwell/ml)

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dunwell.ml.action_value import ActionOption, ActionValue, action_values, in_holdout, plan_day
from dunwell.ml.history import NEVER
from dunwell.ml.response import (
    CALL,
    EMAIL,
    FEATURES,
    GROUP_PRIOR,
    LETTER,
    NO_ACTION,
    PRIOR_RESPONSE,
    ItemBook,
    ResponseModel,
    TouchLog,
    TrainingRows,
    at_stake,
    payment_group,
    payment_record,
    training_rows,
)

MONDAY = 19_723  # 2024-01-01


def _rows(n: int, rng: np.random.Generator, *, effect: dict[int, float]) -> TrainingRows:
    """Randomised history: a third of the rows touched; a touch gets a share of items paid in days."""
    X = pd.DataFrame({name: rng.normal(size=n) for name in FEATURES})
    X["days_past_due"] = rng.integers(-5, 60, n).astype(float)
    channel = np.where(rng.random(n) < 0.66, NO_ACTION, rng.choice([EMAIL, LETTER, CALL], n))
    untouched_days = np.where(rng.random(n) < 0.5, rng.integers(1, 7, n), rng.integers(8, 60, n))
    converted = np.array([rng.random() < effect.get(int(c), 0.0) for c in channel])
    days = np.where(converted, np.minimum(untouched_days, 3), untouched_days)
    return TrainingRows(X, channel.astype(np.int64), np.zeros(n, bool), np.minimum(days, 31).astype(np.int64))


def test_the_converted_share_is_learned_from_randomised_touches() -> None:
    rows = _rows(30_000, np.random.default_rng(1), effect={EMAIL: 0.1, LETTER: 0.2, CALL: 0.4})

    model = ResponseModel(n_estimators=30).fit(rows)

    learned = model.overall_
    assert learned[(EMAIL, False)] == pytest.approx(0.1, abs=0.04)
    assert learned[(LETTER, False)] == pytest.approx(0.2, abs=0.05)
    assert learned[(CALL, False)] == pytest.approx(0.4, abs=0.06)


def test_without_touches_in_the_history_the_documented_priors_are_used() -> None:
    rows = _rows(5_000, np.random.default_rng(2), effect={})
    untouched = TrainingRows(
        rows.X, np.zeros(len(rows.X), np.int64), rows.firm, rows.days_to_pay
    )  # nobody was ever contacted

    model = ResponseModel(n_estimators=20).fit(untouched)

    groups = payment_group(rows.X)
    for channel in (EMAIL, LETTER, CALL):
        assert model.overall_[(channel, False)] == pytest.approx(PRIOR_RESPONSE[channel])
        expected = PRIOR_RESPONSE[channel] * np.array([GROUP_PRIOR[g] for g in groups])
        assert np.allclose(model.rate(rows.X, channel, False), expected)


def test_too_little_history_is_refused_clearly() -> None:
    rows = _rows(100, np.random.default_rng(3), effect={})
    with pytest.raises(ValueError, match="too little untouched history"):
        ResponseModel().fit(rows)


def test_payment_groups_come_from_the_payment_record() -> None:
    X = pd.DataFrame(
        {
            "median_delay": [np.nan, 1.0, 1.0, 10.0, 45.0],
            "paid_count": [0.0, 2.0, 8.0, 8.0, 8.0],
        }
    )
    assert list(payment_group(X)) == [0, 0, 1, 2, 3]


def _book() -> ItemBook:
    # Customer 0: one item overdue, one due in 3 days, one due in a month; customer 1: nothing
    # overdue; customer 2: overdue but disputed.
    return ItemBook(
        customer=np.array([0, 0, 0, 1, 2]),
        amount=np.array([100.0, 50.0, 70.0, 80.0, 90.0]),
        issue=np.full(5, MONDAY - 60),
        due=np.array([MONDAY - 10, MONDAY + 3, MONDAY + 30, MONDAY + 2, MONDAY - 5]),
        paid=np.full(5, NEVER),
        disputed=np.array([False, False, False, False, True]),
        customers=3,
    )


def test_what_is_at_stake_is_the_overdue_and_nearly_due_of_customers_with_something_overdue() -> None:
    assert list(at_stake(_book(), MONDAY)) == [0, 1]


def test_the_payment_record_sees_only_payments_made_by_the_day_it_is_kept() -> None:
    book = ItemBook(
        customer=np.array([0, 0, 0]),
        amount=np.ones(3),
        issue=np.full(3, MONDAY - 90),
        due=np.array([MONDAY - 60, MONDAY - 30, MONDAY - 20]),
        paid=np.array([MONDAY - 55, MONDAY - 25, MONDAY + 10]),  # the last one is paid later
        disputed=np.zeros(3, bool),
        customers=1,
    )

    record = payment_record(book, MONDAY)

    assert record["paid_count"][0] == 2
    assert record["median_delay"][0] == 5.0


def test_training_rows_leave_out_customers_still_answering_an_earlier_touch() -> None:
    book = ItemBook(
        customer=np.array([0, 1]),
        amount=np.array([10.0, 10.0]),
        issue=np.full(2, MONDAY - 40),
        due=np.full(2, MONDAY - 10),
        paid=np.full(2, NEVER),
        disputed=np.zeros(2, bool),
        customers=2,
    )
    touches = TouchLog(np.array([0]), np.array([MONDAY]), np.array([EMAIL]), np.array([False]))

    rows = training_rows(book, touches, first=MONDAY, last=MONDAY + 40)

    first_day = rows.X["days_past_due"] == 10
    assert sorted(rows.channel[first_day.to_numpy()]) == [NO_ACTION, EMAIL]
    # Customer 0, touched on Monday, gives no row again until a week has passed.
    tuesday = (rows.X["days_past_due"] == 11).to_numpy()
    assert tuesday.sum() == 1
    assert not (rows.channel[tuesday] == EMAIL).any()


def test_a_history_without_touches_gives_untouched_rows_only() -> None:
    book = ItemBook(
        customer=np.array([0, 1]),
        amount=np.array([10.0, 10.0]),
        issue=np.full(2, MONDAY - 40),
        due=np.full(2, MONDAY - 10),
        paid=np.array([MONDAY + 3, NEVER]),
        disputed=np.zeros(2, bool),
        customers=2,
    )

    rows = training_rows(book, TouchLog.empty(), first=MONDAY, last=MONDAY + 40)

    assert len(rows.channel) > 0
    assert (rows.channel == NO_ACTION).all()
    assert not rows.firm.any()


class _FixedModel:
    """A model with known probabilities: half of the horizon waited, rates by channel."""

    def p_untouched(self, X: pd.DataFrame) -> np.ndarray:
        return np.full(len(X), 0.4)

    def waiting_share(self, X: pd.DataFrame) -> np.ndarray:
        return np.full(len(X), 0.5)

    def rate(
        self, X: pd.DataFrame, channel: int, firm: bool, *, base: np.ndarray | None = None
    ) -> np.ndarray:
        return np.full(len(X), {EMAIL: 0.1, LETTER: 0.2, CALL: 0.3}[channel] - (0.2 if firm else 0.0))


OPTIONS = (
    ActionOption(EMAIL, False, 2),
    ActionOption(EMAIL, True, 2),
    ActionOption(LETTER, False, 5, 150),
    ActionOption(CALL, False, 12),
)


def test_action_values_are_exact_integer_money_per_customer() -> None:
    X = pd.DataFrame({name: np.zeros(3) for name in FEATURES})
    customer = np.array([7, 7, 9])
    amount = np.array([100_001, 50_000, 2_000], np.int64)

    values = action_values(_FixedModel(), X, customer, amount, OPTIONS)  # type: ignore[arg-type]

    email = next(v for v in values[7] if v.option == OPTIONS[0])
    # 0.1 x 0.5 = 500 basis points of each amount, each item rounded down to the minor unit.
    assert email.expected_minor == 100_001 * 500 // 10_000 + 50_000 * 500 // 10_000
    assert email.at_stake_minor == 150_001
    letter = next(v for v in values[7] if v.option == OPTIONS[2])
    assert letter.value_minor == letter.expected_minor - 150
    assert all(v.option != OPTIONS[1] for v in values[7])  # a firm e-mail is worth less than nothing here
    assert all(isinstance(v.expected_minor, int) for vs in values.values() for v in vs)


def _value(customer: int, option: ActionOption, value: int) -> ActionValue:
    return ActionValue(customer, option, value, value, value * 10, 0.5)


def test_the_day_takes_the_cheap_effective_actions_first_and_upgrades_with_minutes_to_spare() -> None:
    email, letter, call = (
        ActionOption(EMAIL, False, 2),
        ActionOption(LETTER, False, 5),
        ActionOption(CALL, False, 12),
    )
    values = {
        1: [_value(1, email, 100), _value(1, call, 400)],
        2: [_value(2, email, 60), _value(2, letter, 70)],  # the letter adds 10 for 3 minutes: not worth it
        3: [_value(3, email, 10)],
    }

    tight = plan_day(values, 6)
    roomy = plan_day(values, 30)

    assert [(v.customer, v.option.channel) for v in tight] == [(1, EMAIL), (2, EMAIL), (3, EMAIL)]
    assert {(v.customer, v.option.channel) for v in roomy} == {(1, CALL), (2, LETTER), (3, EMAIL)}
    assert sum(v.option.minutes for v in plan_day(values, 15)) <= 15


def test_the_holdout_is_stable_and_about_its_share() -> None:
    ids = [f"C{n:05d}" for n in range(4000)]
    chosen = [in_holdout(i, 0.05, salt="x") for i in ids]

    assert chosen == [in_holdout(i, 0.05, salt="x") for i in ids]
    assert 0.035 < sum(chosen) / len(ids) < 0.065
    assert not any(in_holdout(i, 0.0) for i in ids)


def test_the_payment_record_matches_numpys_percentiles_customer_by_customer() -> None:
    rng = np.random.default_rng(7)
    n, m = 120, 4000
    customer = rng.integers(0, n, m)
    due = rng.integers(0, 1000, m)
    paid = due + rng.integers(-20, 60, m)
    paid[rng.random(m) < 0.2] = NEVER
    book = ItemBook(customer, np.ones(m), due - 30, due, paid, np.zeros(m, bool), n + 2)

    record = payment_record(book, 900)

    seen = paid <= 900
    for code in range(n + 2):
        delays = (paid - due)[seen & (customer == code)].astype(float)
        if not len(delays):
            assert record["paid_count"][code] == 0
            assert np.isnan(record["median_delay"][code])
            continue
        q1, q2, q3 = np.percentile(delays, (25, 50, 75))
        assert record["median_delay"][code] == pytest.approx(q2)
        assert record["delay_spread"][code] == pytest.approx(q3 - q1)
        assert record["late_share"][code] == pytest.approx(np.mean(delays > 5))
        assert record["paid_count"][code] == len(delays)
