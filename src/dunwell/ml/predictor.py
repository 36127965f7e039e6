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
  Meier, ``naive.ResidualLife``: its horizon from the data, the delay given it is paid). The
  validation's overdue invoices choose the P50 (the model or a rule given the age) and, when
  they are enough to tell, the scale of the interval about it (``interval_scale``, censoring-
  aware, on the invoices overdue every ``SNAPSHOT_DAYS`` of the held-out window, aimed at 80 %).
  Every open invoice gets P10 < P50 < P90 in whole days, none before the day it is
  looked at.
"""

from __future__ import annotations

from collections.abc import Callable
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
#: The overdue interval's scale is calibrated on the invoices open and overdue every this many
#: days from the inner model's knowledge day ...
SNAPSHOT_DAYS = 30
#: ... as long as at least this many days of their outcomes are known (``settle_days`` + 60).
SNAPSHOT_FOLLOW_UP = 90
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
        anchor: str | None = "cust_habit_delay",
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
        # Judged as a backtest will judge: the invoices still open weigh the chance they are paid.
        life = ResidualLife.fit(history, known_until)
        naive = naive_guesses(history, rows, known)
        choice = choose(actual, model, naive, validation=window, lower=lower, life=life)
        return replace(choice, overdue=self._validate_overdue(history, inner, inner_known, known_until))

    def _validate_overdue(
        self, history: InvoiceHistory, inner: PaymentPredictor, inner_known: int, known_until: int
    ) -> GroupChoice | None:
        """Invoices open and overdue at ``inner_known`` (those still open at ``known_until`` judged
        by what is known of them): the model given their age against the rules given their age.
        With fewer than ``MIN_GROUP`` of them the model is not trusted: the best rule is kept (the
        book's residual life with none). Then the interval shown for them is stretched or narrowed
        about its P50 until it covers ``LEVELS[2] - LEVELS[0]`` (``interval_scale``) of the
        invoices open and overdue on the days ``SNAPSHOT_DAYS`` apart from ``inner_known`` on
        whose outcomes at least ``SNAPSHOT_FOLLOW_UP`` days are known (the inner model never saw
        them; an invoice open on several of those days weighs 1 in all)."""
        rows, raw, age, guesses, life = _overdue_snapshot(history, inner, inner_known)
        if len(rows) == 0:  # nothing to judge the model on: the simplest rule given the age
            return GroupChoice("book_residual_life", "book_residual_life", 0.0, 0, {})
        model = whole_days(given_age(raw, age, guesses, life, None)[0], age + 1)
        actual, lower = _outcomes(history, rows, known_until)
        picked = choose_overdue(actual, model[:, 1], guesses, lower)
        if len(rows) < MIN_GROUP and picked.model_weight > 0:  # too few to trust the model's edge
            picked = GroupChoice(picked.naive, picked.naive, 0.0, len(rows), picked.validation_mae)
        shown, ages, seen = [given_age(raw, age, guesses, life, picked)[0]], [age], [rows]
        day = inner_known + SNAPSHOT_DAYS
        while known_until - day >= SNAPSHOT_FOLLOW_UP:
            more, raw, age, guesses, life = _overdue_snapshot(history, inner, day)
            if len(more):  # the curve as a model trained that day would have it
                shown.append(given_age(raw, age, guesses, life, picked)[0])
                ages.append(age)
                seen.append(more)
            day += SNAPSHOT_DAYS
        every = np.concatenate(seen)
        actual, lower = _outcomes(history, every, known_until)
        scale, coverage = interval_scale(
            np.concatenate(shown), np.concatenate(ages), actual, lower,
            ResidualLife.fit(history, known_until), invoices=every,
        )  # fmt: skip
        return replace(picked, interval_scale=scale, interval_coverage=coverage)

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
        weight = np.ones(len(due))
        life: ResidualLife = self.residual_life_
        # None while fitting: the validation model predicts before any choice exists.
        choice: Choice | None = getattr(self, "choice_", None)
        if overdue.any():  # given it is unpaid at its age: the model, else the book
            rows = np.flatnonzero(overdue)
            picked = None if choice is None else choice.overdue
            for day in np.unique(queries.known[rows]):
                at = rows[queries.known[rows] == day]
                guesses = (
                    {}
                    if picked is None
                    else conditional_guesses(history, queries.rows[at], age[at], int(day), life)
                )
                delay[at], conditioned[at], weight[at] = given_age(delay[at], age[at], guesses, life, picked)
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


def given_age(
    delay: np.ndarray,
    age: np.ndarray,
    guesses: dict[str, np.ndarray],
    life: ResidualLife,
    picked: GroupChoice | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The P10/P50/P90 of invoices open at ``age`` days past due, from the model's (``delay``):
    a quantile at or before the age is replaced by the book's residual life; the chosen rule
    (``picked``) sets the P50, and the residual life the interval when the rule has a share; then
    the interval's distances from the P50 are scaled by ``picked.interval_scale``.
    Also: whether the P50 is not the model's, and the model's weight in it."""
    conditional = life.quantiles(age, LEVELS)
    result = np.where(delay >= age[:, None] + 1, delay, conditional)
    conditioned = delay[:, 1] < age + 1
    weight = np.ones(len(age))
    if picked is not None:
        w = picked.model_weight
        result[:, 1] = w * result[:, 1] + (1 - w) * guesses[picked.naive]
        weight[:] = w
        if w < 1:  # the interval from the book's residual life at that age
            result[:, 0], result[:, 2] = conditional[:, 0], conditional[:, 2]
            conditioned[:] = True
        result = _scaled(result, picked.interval_scale)
    return result, conditioned, weight


def _scaled(delay: np.ndarray, scale: float) -> np.ndarray:
    result = np.sort(delay, axis=1)
    result[:, 0] = result[:, 1] - scale * (result[:, 1] - result[:, 0])
    result[:, 2] = result[:, 1] + scale * (result[:, 2] - result[:, 1])
    return result


def interval_scale(
    shown: np.ndarray,
    age: np.ndarray,
    actual: np.ndarray,
    lower: np.ndarray,
    life: ResidualLife,
    *,
    invoices: np.ndarray | None = None,
) -> tuple[float, float | None]:
    """The scale of the intervals ``shown`` about their P50 for the validation's overdue invoices
    (aged ``age``; ``invoices``: each row's invoice, when one is seen on several days), and the
    coverage it reaches there.

    1 with fewer than ``MIN_GROUP`` (effective) invoices, as for the choice. Otherwise the scale
    (to a fiftieth, in ``[1/4, 25]``) at which the whole-day intervals' coverage crosses
    ``LEVELS[2] - LEVELS[0]``: the smallest that reaches it, with no finite-sample margin (the
    aim is the centre of the band, not a guarantee from above; a margin, or keeping 1 while the
    coverage is within sampling noise of it, left the overdue intervals wide on the simulator).
    Coverage is censoring-aware (``coverage_at``)."""
    n = len(age)
    if n == 0:
        return 1.0, None
    coverage, n_eff = coverage_at(shown, age, actual, lower, life, invoices=invoices)
    if n_eff < MIN_GROUP:  # too few to judge the interval by: the book's curve as it is
        return 1.0, None if n_eff <= 0 else round(coverage(1.0), 4)
    level = LEVELS[2] - LEVELS[0]
    below, above = 0.25, 25.0
    if coverage(below) >= level:
        return below, round(coverage(below), 4)
    if coverage(above) < level:
        return above, round(coverage(above), 4)
    while above - below > 0.02:
        middle = (below + above) / 2
        below, above = (below, middle) if coverage(middle) >= level else (middle, above)
    return round(above, 4), round(coverage(above), 4)


def coverage_at(
    shown: np.ndarray,
    age: np.ndarray,
    actual: np.ndarray,
    lower: np.ndarray,
    life: ResidualLife,
    *,
    invoices: np.ndarray | None = None,
) -> tuple[Callable[[float], float], float]:
    """The P10-P90 coverage of the intervals ``shown`` scaled about their P50 (as whole days, P10
    after the age), as a function of the scale; and the effective number of invoices behind it.

    Censoring-aware. An invoice paid by the evaluation day (``actual``) is covered or not. One
    still open (``actual`` NaN: its delay is at least ``lower``) is not dropped (that would keep
    the quick payers): it counts with the book's probability that an invoice open at that age is
    paid at all (``life``, fitted on the evaluation day: the intervals are those of the delay
    given it is paid), and is covered with the probability that its delay falls in the interval
    given it is above ``lower`` and paid; not at all when the P90 is below ``lower``
    (redistribution to the right). Past the curve's horizon its weight is zero. With
    ``invoices`` (each row's invoice) the rows of an invoice seen on several days weigh 1 in all,
    and the effective number counts invoices."""
    open_ = np.isnan(actual)
    floor = age + 1
    start = life.paid_survival(lower - 1)  # P(delay >= lower | paid)
    index = np.arange(len(age)) if invoices is None else np.unique(invoices, return_inverse=True)[1]
    counts = np.bincount(index)
    weight = np.where(open_, life.paid_share(lower - 1), 1.0) / counts[index]  # P(paid | open at lower)
    per_invoice = np.bincount(index, weights=weight)
    total = float(weight.sum())
    n_eff = total**2 / float(np.sum(per_invoice**2)) if total > 0 else 0.0
    safe = np.where(start > 0, start, 1.0)

    def coverage(scale: float) -> float:
        band = whole_days(_scaled(shown, scale), floor)
        low, high = band[:, 0], band[:, 2]
        paid = ((actual >= low) & (actual <= high)).astype(np.float64)
        inside = life.paid_survival(np.maximum(low, lower) - 1) - life.paid_survival(high)
        maybe = np.where((start > 0) & (high >= lower), np.clip(inside / safe, 0.0, 1.0), 0.0)
        return float(np.sum(weight * np.where(open_, maybe, paid)) / total) if total > 0 else 0.0

    return coverage, n_eff


def _overdue_snapshot(
    history: InvoiceHistory, inner: PaymentPredictor, day: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray], ResidualLife]:
    """The invoices open and overdue at the end of ``day``: their rows, the model's raw
    quantiles, their ages, the rules given the age and the book's residual life, as known then."""
    at = history.is_invoice & (history.issue <= day) & (history.due < day) & (history.paid > day)
    rows = np.flatnonzero(at)
    age = (day - history.due[rows]).astype(np.float64)
    life = ResidualLife.fit(history, day)
    if len(rows) == 0:
        return rows, np.zeros((0, len(LEVELS))), age, {}, life
    days = np.full(len(rows), day)
    features = point_in_time_features(history, Queries(rows=rows, as_of=days, known=days))
    raw = inner.timing_model_.predict(features)
    return rows, raw, age, conditional_guesses(history, rows, age, day, life), life


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
