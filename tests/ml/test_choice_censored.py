"""Censored validation invoices weigh the chance they are paid at all, as a backtest scores only
paid ones (ADR 0016); the overdue interval's scale aims at the centre of the band."""

from __future__ import annotations

import numpy as np

from dunwell.ml.choice import REFERENCE, choose, paid_weights
from dunwell.ml.naive import NAIVE, NaiveGuesses, ResidualLife
from dunwell.ml.predictor import interval_scale

#: A book where whatever is still open 60 days past due is never paid (the curve's plateau).
NEVER_AFTER_60 = ResidualLife(
    times=(5.0, 10.0, 15.0, 20.0, 30.0, 60.0),
    survival=(0.8, 0.5, 0.3, 0.2, 0.16, 0.15),
    plateau=0.15,
    horizon=60.0,
)


def test_never_paid_invoices_do_not_hand_the_edge_to_a_later_guess() -> None:
    rng = np.random.default_rng(7)
    paid, still_open = 150, 50
    n = paid + still_open
    actual = np.concatenate([10 + rng.normal(0, 3, paid), np.full(still_open, np.nan)])
    lower = np.concatenate([np.zeros(paid), np.full(still_open, 61.0)])  # open 61+ days past due
    model = np.concatenate([np.full(paid, 13.0), np.full(still_open, 40.0)])  # later on the risky
    guesses = NaiveGuesses({name: np.full(n, 10.0) for name in NAIVE}, np.full(n, 10.0), 10.0)

    blind = choose(actual, model, guesses, validation={}, lower=lower)
    judged = choose(actual, model, guesses, validation={}, lower=lower, life=NEVER_AFTER_60)

    # Counted as 21 days short against 51, the open ones make the model look better ...
    assert blind.groups["established"].model_weight > 0
    # ... but none of them will ever be paid: on what a backtest can score the model is worse.
    assert judged.groups["established"].predictor == REFERENCE
    weights = paid_weights(actual, lower, NEVER_AFTER_60)
    assert weights is not None
    assert np.all(weights[paid:] == 0.0)
    assert np.all(weights[:paid] == 1.0)


def test_the_overdue_interval_scale_aims_at_the_centre() -> None:
    rng = np.random.default_rng(1)
    life = ResidualLife(times=tuple(float(t) for t in range(1, 200)),
                        survival=tuple(float(s) for s in np.linspace(0.99, 0.0, 199)))  # fmt: skip
    n = 400
    age = np.full(n, 5.0)
    actual = rng.uniform(10, 190, n)
    # Covers about 84 %: within two standard errors of 80 % at this size, still too wide.
    wide = np.column_stack([np.full(n, 24.0), np.full(n, 100.0), np.full(n, 175.0)])

    scale, coverage = interval_scale(wide, age, actual, np.zeros(n), life)

    assert scale < 1.0
    assert coverage is not None
    assert 0.79 <= coverage <= 0.82
    # An invoice seen on two days counts once: the same choice, and still too few when few.
    twice = np.concatenate([np.arange(n), np.arange(n)])
    again = interval_scale(np.vstack([wide, wide]), np.tile(age, 2), np.tile(actual, 2), np.zeros(2 * n),
                           life, invoices=twice)  # fmt: skip
    assert again == (scale, coverage)
    few = np.concatenate([np.arange(20), np.arange(20)])
    assert interval_scale(np.vstack([wide[:20], wide[:20]]), np.tile(age[:20], 2), np.tile(actual[:20], 2),
                          np.zeros(40), life, invoices=few)[0] == 1.0  # fmt: skip
