"""Model or baseline: which predictor of the P50 to trust, per customer-history length.

Simple rules are strong in this field (DOMAIN.md §3), and on a ledger whose regime shifts or
whose delays have heavy tails a learned model can do worse than them. So training holds out its
own latest invoices (a time split inside the training window, never the test split), measures
the model and every naive predictor of ``naive`` on them, and chooses per group of invoices:

- ``new``: customers with no payment by then; ``thin``: 1 to 4 payments; ``established``: 5+;
- the candidates: the model, each naive predictor, and convex blends ``w * model + (1 - w) *
  naive`` of the model with the group's reference rule (``w`` in ``BLEND_WEIGHTS``);
- each group keeps ``REFERENCE`` (the customer median) unless a candidate beats it by more than
  ``TOLERANCE`` of its MAE in ``SIGNIFICANCE`` of ``BOOTSTRAP`` paired bootstrap resamples of
  the per-invoice absolute errors; the lowest validation MAE among those that do wins. On a
  heavy-tailed book a few invoices paid a year late decide a plain MAE comparison on a hundred
  validation invoices: an edge that is not significant is not taken.
- invoices still open when the choice is made are kept, with the error known for sure
  (``abs_errors``): a guess below what the delay is known to be at least; each weighs the book's
  chance that an invoice open that long is paid at all (``paid_weights``), as a backtest scores
  only the paid ones.
  A group with fewer than ``MIN_GROUP`` validation invoices takes the choice made on all of them.

The choice is plain data (``to_json``): the registry stores it and the CLI shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dunwell.ml.naive import NAIVE, NaiveGuesses, ResidualLife

GROUPS = ("new", "thin", "established")
THIN_PAYMENTS = 5  # fewer payments than this: a thin history
BLEND_WEIGHTS = (0.25, 0.5, 0.75)
MIN_GROUP = 30
TOLERANCE = 0.01
#: The rule a group keeps unless a candidate beats it significantly: the baseline that is hardest
#: to beat on heavy-tailed books (a customer's median is robust to their outliers).
REFERENCE = "customer_median_delay"
BOOTSTRAP = 500
SIGNIFICANCE = 0.95


def history_group(paid_count: np.ndarray) -> np.ndarray:
    """0 (new), 1 (thin) or 2 (established) per invoice, from the customer's payments known."""
    return np.where(paid_count <= 0, 0, np.where(paid_count < THIN_PAYMENTS, 1, 2))


@dataclass(frozen=True)
class GroupChoice:
    predictor: str  # "model", "blend" or a naive predictor's name
    naive: str  # the rule a blend mixes in (the reference; for overdue invoices the best rule)
    model_weight: float  # 1: the model alone; 0: the naive predictor alone
    n_validation: int
    validation_mae: dict[str, float]
    #: Overdue invoices: how much the interval's distances from the P50 are stretched (conformal,
    #: on the validation's overdue invoices); 1 elsewhere.
    interval_scale: float = 1.0
    #: The validation's P10-P90 coverage at that scale (censoring-aware), None when not measured.
    interval_coverage: float | None = None


@dataclass(frozen=True)
class Choice:
    groups: dict[str, GroupChoice]
    validation: dict[str, Any]  # the window held out and its size
    #: For invoices already overdue: the model given the age, or a rule conditioned on the age.
    overdue: GroupChoice | None = None

    def apply_overdue(
        self, model_p50: np.ndarray, guesses: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, float]:
        """The chosen P50 of overdue invoices, and the model's weight in it."""
        if self.overdue is None:
            return model_p50, 1.0
        w = self.overdue.model_weight
        return w * model_p50 + (1 - w) * guesses[self.overdue.naive], w

    def apply(self, model_p50: np.ndarray, naive: NaiveGuesses) -> tuple[np.ndarray, np.ndarray]:
        """The chosen P50 per invoice, and the model's weight in it."""
        group = history_group(naive.paid_count)
        p50 = np.asarray(model_p50, dtype=np.float64).copy()
        weight = np.ones(len(p50))
        for code, name in enumerate(GROUPS):
            picked = self.groups.get(name)
            at = group == code
            if picked is None or not at.any():
                continue
            w = picked.model_weight
            p50[at] = w * model_p50[at] + (1 - w) * naive.guesses[picked.naive][at]
            weight[at] = w
        return p50, weight

    def to_json(self) -> dict[str, Any]:
        return {
            "validation": self.validation,
            "groups": {name: _group_json(g) for name, g in self.groups.items()},
            "overdue": None if self.overdue is None else _group_json(self.overdue),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Choice:
        overdue = data.get("overdue")
        return cls(
            groups={name: GroupChoice(**g) for name, g in data["groups"].items()},
            validation=dict(data["validation"]),
            overdue=None if overdue is None else GroupChoice(**overdue),
        )


def _group_json(g: GroupChoice) -> dict[str, Any]:
    return {
        "predictor": g.predictor,
        "naive": g.naive,
        "model_weight": g.model_weight,
        "n_validation": g.n_validation,
        "validation_mae": g.validation_mae,
        "interval_scale": g.interval_scale,
        "interval_coverage": g.interval_coverage,
    }


def choose_overdue(
    actual: np.ndarray, model_p50: np.ndarray, guesses: dict[str, np.ndarray], lower: np.ndarray | None = None
) -> GroupChoice:
    """The overdue invoices' choice among the model given the age and the rules given the age."""
    everyone = np.ones(len(actual), dtype=bool)
    return _pick(actual, _lower(actual, lower), model_p50, guesses, everyone, names=tuple(guesses))


def choose(
    actual: np.ndarray,
    model_p50: np.ndarray,
    naive: NaiveGuesses,
    *,
    validation: dict[str, Any],
    lower: np.ndarray | None = None,
    life: ResidualLife | None = None,
) -> Choice:
    """The choice per history group, from validation outcomes ``actual`` (delays in days).

    ``actual`` is NaN where the outcome is censored (still open when the choice is made); then
    ``lower`` is what its delay is known to be at least, and a guess below it is wrong by at
    least the difference (``abs_errors``). Censored invoices are kept: dropping them would judge
    the candidates on the quick payers only.

    With ``life`` (the book's residual life on the day the outcomes are known) a censored invoice
    weighs the chance that an invoice open that long is paid at all (``paid_weights``): a
    backtest only scores invoices that are paid. Counted in full, the never paid (where any guess
    past ``lower`` has no error known for sure) handed the edge to whichever candidate guessed
    later (a school-like stand-in, ``never_up_4m`` seed 13, took a blend that lost in the test).
    """
    lower = _lower(actual, lower)
    weight = paid_weights(actual, lower, life)
    group = history_group(naive.paid_count)
    everyone = _pick(actual, lower, model_p50, naive.guesses, np.ones(len(actual), dtype=bool),
                     reference=REFERENCE, weight=weight)  # fmt: skip
    groups = {}
    for code, name in enumerate(GROUPS):
        at = group == code
        n = int(at.sum())
        if n == 0:
            groups[name] = GroupChoice(**{**everyone.__dict__, "n_validation": 0, "validation_mae": {}})
            continue
        mine = _pick(actual, lower, model_p50, naive.guesses, at,
                     reference=REFERENCE, weight=weight)  # fmt: skip
        if n < MIN_GROUP:  # too few to judge alone: the overall choice, with this group's figures
            mine = GroupChoice(everyone.predictor, everyone.naive, everyone.model_weight, n,
                               mine.validation_mae)  # fmt: skip
        groups[name] = mine
    return Choice(groups=groups, validation=validation)


def abs_errors(actual: np.ndarray, guess: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Absolute errors of whole-day guesses; where ``actual`` is NaN (censored: the delay is at
    least ``lower``) the error known for sure, ``max(lower - guess, 0)``."""
    g = np.rint(guess)
    censored = np.isnan(actual)
    known = np.abs(g - np.where(censored, 0.0, actual))
    return np.asarray(np.where(censored, np.maximum(lower - g, 0.0), known), dtype=np.float64)


def paid_weights(actual: np.ndarray, lower: np.ndarray, life: ResidualLife | None) -> np.ndarray | None:
    """Per validation invoice, how much it counts: 1 when paid; when censored, the book's chance
    that an invoice open at ``lower`` is paid at all (None without ``life``: all count fully)."""
    if life is None:
        return None
    return np.asarray(np.where(np.isnan(actual), life.paid_share(lower - 1), 1.0), dtype=np.float64)


def significantly_better(
    errors: np.ndarray, reference: np.ndarray, *, seed: int = 0, weight: np.ndarray | None = None
) -> bool:
    """Whether ``errors`` beat ``reference`` (paired, per invoice, weighted by ``weight``) by more
    than ``TOLERANCE`` of its MAE, in at least ``SIGNIFICANCE`` of ``BOOTSTRAP`` paired bootstrap
    resamples."""
    n = len(errors)
    if n == 0:
        return False
    gap = errors - reference * (1 - TOLERANCE)
    if weight is not None:
        gap = gap * weight
    if gap.mean() >= 0:
        return False
    rng = np.random.default_rng(seed)
    chunk = max(1, 2_000_000 // n)
    means = []
    for start in range(0, BOOTSTRAP, chunk):
        picks = rng.integers(0, n, size=(min(chunk, BOOTSTRAP - start), n))
        means.append(gap[picks].mean(axis=1))
    return bool(np.mean(np.concatenate(means) < 0) >= SIGNIFICANCE)


def _lower(actual: np.ndarray, lower: np.ndarray | None) -> np.ndarray:
    if lower is None:
        if np.isnan(actual).any():
            raise ValueError("censored outcomes need their lower bounds")
        return np.full(len(actual), -np.inf)
    return np.asarray(lower, dtype=np.float64)


def _pick(
    actual: np.ndarray,
    lower: np.ndarray,
    model: np.ndarray,
    guesses: dict[str, np.ndarray],
    at: np.ndarray,
    *,
    names: tuple[str, ...] = NAIVE,
    reference: str | None = None,
    weight: np.ndarray | None = None,
) -> GroupChoice:
    """The reference rule (``reference``, else the best rule) unless a candidate beats it
    significantly; then the significant candidate with the lowest validation MAE."""
    y, lo = actual[at], lower[at]
    w = None if weight is None else weight[at]
    if w is not None and not w.sum() > 0:
        w = None

    def mae(e: np.ndarray) -> float:
        return float(np.average(e, weights=w))

    errors = {name: abs_errors(y, guesses[name][at], lo) for name in names}
    maes = {name: round(mae(e), 4) for name, e in errors.items()}
    best = min(names, key=lambda name: maes[name])
    ref = reference if reference in names else best
    candidates: dict[str, tuple[float, str, np.ndarray]] = {
        name: (0.0, name, errors[name]) for name in names if name != ref
    }
    # Blends mix in the rule kept otherwise (the reference): a rule that only looks best on the
    # validation invoices would carry its luck into the blend.
    partner = ref if reference is not None else best
    candidates["model"] = (1.0, partner, abs_errors(y, model[at], lo))
    for share in BLEND_WEIGHTS:
        blend = share * model[at] + (1 - share) * guesses[partner][at]
        candidates[f"blend_{share:g}"] = (share, partner, abs_errors(y, blend, lo))
    figures = {"model": round(mae(candidates["model"][2]), 4), **maes}
    winners = {
        label: c for label, c in candidates.items() if significantly_better(c[2], errors[ref], weight=w)
    }
    n = int(at.sum())
    if not winners:
        return GroupChoice(ref, ref, 0.0, n, figures)
    label, (model_weight, naive, err) = min(winners.items(), key=lambda kv: mae(kv[1][2]))
    if label.startswith("blend"):
        figures[label] = round(mae(err), 4)
    predictor = "model" if model_weight == 1.0 else "blend" if model_weight > 0 else label
    return GroupChoice(predictor, naive if model_weight > 0 else label, model_weight, n, figures)
