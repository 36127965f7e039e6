"""The payment predictor: point-in-time features, the timing model and the risk model, together.

``PaymentPredictor.fit(history, known_until=day)`` trains on the book as known at the end of that
day; ``predict(history, queries)`` gives, per query, P10/P50/P90 of the delay (days after the
due date), the implied dates, the three lateness risks and the reasons behind the P50 and the risk.

- **Model or baseline** (``choice``): before the final fit, the latest invoices of the training
  window are held out (issued in the ``validation_days`` that end ``settle_days`` before its
  last day; those still open then count as paid later); a model trained on what came before
  predicts them beside the naive rules, and the P50 of each customer-history group comes from
  the customer median unless the model, a blend or another rule beats it significantly. Then
  the model is refitted on the whole window. The interval moves with the P50.
- **Overdue invoices** are predicted *given that they are still unpaid at their age*: a quantile
  the model puts at or before today is replaced by the book's residual life at that age (Kaplan-
  Meier, ``naive.ResidualLife``). Every open invoice gets P10 < P50 < P90 in whole days, none
  before the day it is looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Self

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from dunwell.ml.choice import MIN_GROUP, Choice, GroupChoice, choose, choose_overdue
from dunwell.ml.dataset import training_rows
from dunwell.ml.explain import explain_p50, explain_risk
from dunwell.ml.features import FEATURES, Queries, point_in_time_features
from dunwell.ml.history import InvoiceHistory, day_of
from dunwell.ml.naive import ResidualLife, conditional_guesses, naive_guesses
from dunwell.ml.risk import THRESHOLDS, LatenessRiskModel
from dunwell.ml.timing import LEVELS, MIN_TRAINING_ROWS, QuantileTimingModel, ResidualTimingModel

#: A row calibrates the intervals only when its outcome is settled: paid, or still open this many
#: days past due.
SETTLED_DAYS = 60
TIMING_MODELS = {"quantile": QuantileTimingModel, "residual": ResidualTimingModel}


@dataclass(frozen=True)
class Predictions:
    rows: np.ndarray  # history positions
    delay: np.ndarray  # (n, 3) P10/P50/P90, days after the due date
    due: np.ndarray  # day numbers
    risk: np.ndarray  # (n, 3) P(> 0), P(> 30), P(> 60 or written off)
    reasons: list[list[str]] | None  # the P50's: three drivers, then what they add up to
    risk_reasons: list[list[str]] | None = None  # P(late)'s three drivers

    @property
    def dates(self) -> np.ndarray:
        """(n, 3) predicted payment days (day numbers), the delays rounded to whole days."""
        return np.asarray(self.due[:, None] + np.rint(self.delay).astype(np.int64))


class PaymentPredictor(BaseEstimator):  # type: ignore[misc]
    def __init__(
        self,
        *,
        timing: str = "quantile",
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 7,
        min_child_samples: int = 40,
        max_delay: int = 180,
        staleness_days: int = 0,
        anchor: str | None = "cust_median_delay",
        refit: bool = False,
        choose: bool = True,
        validation_days: int = 90,
        settle_days: int = 30,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.timing = timing
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.max_delay = max_delay
        self.staleness_days = staleness_days
        self.anchor = anchor
        self.refit = refit
        self.choose = choose
        self.validation_days = validation_days
        self.settle_days = settle_days
        self.n_jobs = n_jobs
        self.random_state = random_state

    def fit(self, history: InvoiceHistory, *, known_until: int) -> Self:
        self.choice_: Choice | None = self._validate(history, known_until) if self.choose else None
        return self._fit_models(history, known_until)

    def _validate(self, history: InvoiceHistory, known_until: int) -> Choice | None:
        """The model-or-baseline choice, on the latest invoices of the window (None: too few)."""
        start = known_until - self.settle_days - self.validation_days + 1
        held = history.is_invoice & (history.issue >= start) & (history.issue < start + self.validation_days)
        # Every invoice of the window: one still open on ``known_until`` is judged by what is
        # known of it (paid after that day), not dropped (that would leave only the quick payers).
        rows = np.flatnonzero(held)
        inner_known = start - 1
        learned = int(np.sum(history.is_invoice & (history.paid <= inner_known)))
        if len(rows) < MIN_TRAINING_ROWS or learned < MIN_TRAINING_ROWS:
            return None
        inner = PaymentPredictor(**{**self.get_params(), "choose": False})._fit_models(history, inner_known)
        known = np.full(len(rows), inner_known)
        queries = Queries(rows=rows, as_of=history.issue[rows], known=known)
        model = inner.predict(history, queries, explain=False).delay[:, 1]
        actual, lower = _outcomes(history, rows, known_until)
        window = {
            "issued_from": day_of(start).isoformat(),
            "issued_to": day_of(start + self.validation_days - 1).isoformat(),
            "known_until": day_of(inner_known).isoformat(),
            "n_invoices": len(rows),
            "share_still_open": round(float(np.mean(history.paid[np.flatnonzero(held)] > known_until)), 4),
        }
        choice = choose(actual, model, naive_guesses(history, rows, known), validation=window, lower=lower)
        return replace(choice, overdue=self._validate_overdue(history, inner, inner_known, known_until))

    def _validate_overdue(
        self, history: InvoiceHistory, inner: PaymentPredictor, inner_known: int, known_until: int
    ) -> GroupChoice | None:
        """Invoices open and overdue at ``inner_known`` (those still open at ``known_until`` judged
        by what is known of them): the model given their age against the rules given their age.
        With fewer than ``MIN_GROUP`` of them the model is not trusted: the best rule is kept (the
        book's residual life with none)."""
        at = history.is_invoice & (history.issue <= inner_known) & (history.due < inner_known)
        rows = np.flatnonzero(at & (history.paid > inner_known))
        if len(rows) == 0:  # nothing to judge the model on: the simplest rule given the age
            return GroupChoice("book_residual_life", "book_residual_life", 0.0, 0, {})
        day = np.full(len(rows), inner_known)
        model = inner.predict(history, Queries(rows=rows, as_of=day, known=day), explain=False).delay[:, 1]
        age = (inner_known - history.due[rows]).astype(np.float64)
        guesses = conditional_guesses(history, rows, age, inner_known, inner.residual_life_)
        actual, lower = _outcomes(history, rows, known_until)
        picked = choose_overdue(actual, model, guesses, lower)
        if len(rows) < MIN_GROUP and picked.model_weight > 0:  # too few to trust the model's edge
            return GroupChoice(picked.naive, picked.naive, 0.0, len(rows), picked.validation_mae)
        return picked

    def _fit_models(self, history: InvoiceHistory, known_until: int) -> Self:
        rows = training_rows(
            history,
            known_until=known_until,
            staleness_days=self.staleness_days,
            random_state=self.random_state,
        )
        X = point_in_time_features(history, rows.queries)
        target, weight = rows.timing_weights(self.max_delay)
        lower = (rows.queries.as_of - history.due[rows.queries.rows]).astype(np.float64)
        lower = np.where(rows.landmark >= 0, lower + 1, np.nan)  # open on its landmark day: paid after it
        common: dict[str, Any] = {
            "n_jobs": self.n_jobs,
            "random_state": self.random_state,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
        }
        invoices = rows.queries.rows
        self.timing_model_ = TIMING_MODELS[self.timing](
            n_estimators=self.n_estimators,
            max_delay=self.max_delay,
            anchor=self.anchor,
            refit=self.refit,
            **common,
        ).fit(
            X,
            target,
            sample_weight=weight,
            lower_bound=lower,
            settled=rows.bound >= SETTLED_DAYS,
            invoices=invoices,
            scored=rows.landmark < 0,  # intervals are judged at issue; overdue items are conditioned
        )
        labels = np.column_stack([rows.late_label(t) for t in THRESHOLDS])
        decided = np.column_stack([rows.decided(t) for t in THRESHOLDS])
        self.risk_model_ = LatenessRiskModel(n_estimators=max(100, self.n_estimators * 2 // 3), **common).fit(
            X, labels, decided, invoices=invoices
        )
        self.residual_life_ = ResidualLife.fit(history, known_until)
        self.n_training_invoices_ = int(np.unique(rows.queries.rows).size)
        self.n_training_rows_ = len(rows)
        self.known_until_ = known_until
        self.features_ = FEATURES
        return self

    def predict(
        self,
        history: InvoiceHistory,
        queries: Queries,
        *,
        explain: bool = True,
        features: pd.DataFrame | None = None,
    ) -> Predictions:
        """``features``: the queries' features when the caller already computed them.

        A query's invoice is taken as open at the end of its ``as_of`` day when that day is on or
        after its due date (it is paid later), and as looked at on that day otherwise (at issue):
        no quantile falls before that day.
        """
        X = point_in_time_features(history, queries) if features is None else features
        due = history.due[queries.rows]
        age = (queries.as_of - due).astype(np.float64)
        # Open at the end of a day on or past its due date: paid after that day.
        lower = np.where(age >= 0, age + 1, age)
        overdue = age > 0
        delay = self.timing_model_.predict(X)
        conditioned = np.zeros(len(due), dtype=bool)  # a P50 from the residual life, not the model
        life: ResidualLife | None = getattr(self, "residual_life_", None)  # None: pickled before ADR 0016
        if overdue.any() and life is not None:  # given it is unpaid at its age: the model, else the book
            conditional = life.quantiles(age[overdue], LEVELS)
            block = delay[overdue]
            conditioned[overdue] = block[:, 1] < age[overdue] + 1
            delay[overdue] = np.where(block >= age[overdue, None] + 1, block, conditional)
        weight = np.ones(len(due))
        choice = getattr(self, "choice_", None)
        if choice is not None and choice.overdue is not None and overdue.any():
            rows = np.flatnonzero(overdue)
            for day in np.unique(queries.known[rows]):
                at = rows[queries.known[rows] == day]
                assert life is not None  # a model with a choice has its residual life
                guesses = conditional_guesses(history, queries.rows[at], age[at], int(day), life)
                delay[at, 1], w = choice.apply_overdue(delay[at, 1], guesses)
                weight[at] = w
                if w < 1:  # the interval from the book's residual life at that age
                    band = life.quantiles(age[at], LEVELS)
                    delay[at, 0], delay[at, 2] = band[:, 0], band[:, 2]
            conditioned[overdue] |= weight[overdue] < 1
        model_p50 = delay[:, 1].copy()
        if choice is not None and (~overdue).any():
            fresh = ~overdue
            naive = naive_guesses(history, queries.rows[fresh], queries.known[fresh])
            p50, weight[fresh] = choice.apply(model_p50[fresh], naive)
            delay[fresh] += (p50 - model_p50[fresh])[:, None]  # the interval moves with its centre
        delay = whole_days(delay, lower)
        weight[conditioned] = 0.0
        risk = self.risk_model_.predict_proba(X)
        # An invoice already more than a threshold late is late beyond it with certainty.
        past = np.column_stack([(queries.as_of - due) > t for t in THRESHOLDS])
        risk = np.where(past, 1.0, risk)
        explained, risk_explained = None, None
        if explain and isinstance(self.timing_model_, QuantileTimingModel):
            explained = explain_p50(
                X,
                self.timing_model_.contributions(X),
                shown=delay[:, 1],
                model_weight=weight,
                conditioned=conditioned,
            )
            contributions = self.risk_model_.contributions(X)
            if contributions is not None:
                risk_explained = explain_risk(X, contributions)
        return Predictions(
            rows=queries.rows, delay=delay, due=due, risk=risk, reasons=explained, risk_reasons=risk_explained
        )


def _outcomes(history: InvoiceHistory, rows: np.ndarray, known_until: int) -> tuple[np.ndarray, np.ndarray]:
    """The delays known on ``known_until`` (NaN: still open) and what each is at least."""
    paid = history.paid[rows] <= known_until
    actual = np.where(paid, history.paid[rows] - history.due[rows], np.nan).astype(np.float64)
    lower = (known_until + 1 - history.due[rows]).astype(np.float64)
    return actual, lower


def whole_days(delay: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Quantiles as whole days with P10 < P50 < P90 strictly and P10 >= ``lower``."""
    result: np.ndarray = np.rint(np.sort(delay, axis=1))
    floor = np.ceil(lower)
    result[:, 1] = np.maximum(result[:, 1], floor + 1)
    result[:, 0] = np.clip(result[:, 0], floor, result[:, 1] - 1)
    result[:, 2] = np.maximum(result[:, 2], result[:, 1] + 1)
    return result
