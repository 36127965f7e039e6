"""Model or baseline: which predictor of the P50 to trust, per customer-history length.

Simple rules are strong in this field (DOMAIN.md §3), and on a ledger whose regime shifts or
whose delays have heavy tails a learned model can do worse than them. So training holds out its
own latest invoices (a time split inside the training window, never the test split), measures
the model and every naive predictor of ``naive`` on them, and chooses per group of invoices:

- ``new``: customers with no payment by then; ``thin``: 1 to 4 payments; ``established``: 5+;
- the candidates: the model, each naive predictor, and convex blends ``w * model + (1 - w) *
  naive`` of the model with the group's best naive predictor (``w`` in ``BLEND_WEIGHTS``);
- the one with the lowest validation MAE wins, except that the model (or a blend) must beat the
  best naive predictor by more than ``TOLERANCE`` of its MAE: a tie goes to the simpler rule.
  A group with fewer than ``MIN_GROUP`` validation invoices takes the choice made on all of them.

The choice is plain data (``to_json``): the registry stores it and the CLI shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dunwell.ml.naive import NAIVE, NaiveGuesses

GROUPS = ("new", "thin", "established")
THIN_PAYMENTS = 5  # fewer payments than this: a thin history
BLEND_WEIGHTS = (0.25, 0.5, 0.75)
MIN_GROUP = 30
TOLERANCE = 0.01


def history_group(paid_count: np.ndarray) -> np.ndarray:
    """0 (new), 1 (thin) or 2 (established) per invoice, from the customer's payments known."""
    return np.where(paid_count <= 0, 0, np.where(paid_count < THIN_PAYMENTS, 1, 2))


@dataclass(frozen=True)
class GroupChoice:
    predictor: str  # "model", "blend" or a naive predictor's name
    naive: str  # the group's best naive predictor (what a blend mixes in)
    model_weight: float  # 1: the model alone; 0: the naive predictor alone
    n_validation: int
    validation_mae: dict[str, float]


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
    }


def choose_overdue(actual: np.ndarray, model_p50: np.ndarray, guesses: dict[str, np.ndarray]) -> GroupChoice:
    """The overdue invoices' choice among the model given the age and the rules given the age."""
    return _pick(actual, model_p50, guesses, np.ones(len(actual), dtype=bool), names=tuple(guesses))


def choose(
    actual: np.ndarray, model_p50: np.ndarray, naive: NaiveGuesses, *, validation: dict[str, Any]
) -> Choice:
    """The choice per history group, from validation outcomes ``actual`` (delays in days)."""
    group = history_group(naive.paid_count)
    everyone = _pick(actual, model_p50, naive.guesses, np.ones(len(actual), dtype=bool))
    groups = {}
    for code, name in enumerate(GROUPS):
        at = group == code
        n = int(at.sum())
        if n == 0:
            groups[name] = GroupChoice(**{**everyone.__dict__, "n_validation": 0, "validation_mae": {}})
            continue
        mine = _pick(actual, model_p50, naive.guesses, at)
        if n < MIN_GROUP:  # too few to judge alone: the overall choice, with this group's figures
            mine = GroupChoice(everyone.predictor, everyone.naive, everyone.model_weight, n,
                               mine.validation_mae)  # fmt: skip
        groups[name] = mine
    return Choice(groups=groups, validation=validation)


def _mae(actual: np.ndarray, guess: np.ndarray) -> float:
    return round(float(np.mean(np.abs(np.rint(guess) - actual))), 4)


def _pick(
    actual: np.ndarray,
    model: np.ndarray,
    guesses: dict[str, np.ndarray],
    at: np.ndarray,
    *,
    names: tuple[str, ...] = NAIVE,
) -> GroupChoice:
    y = actual[at]
    maes = {name: _mae(y, guesses[name][at]) for name in names}
    best = min(names, key=lambda name: maes[name])
    candidates = {"model": (1.0, _mae(y, model[at]))}
    for w in BLEND_WEIGHTS:
        candidates[f"blend_{w:g}"] = (w, _mae(y, w * model[at] + (1 - w) * guesses[best][at]))
    label, (weight, mae) = min(candidates.items(), key=lambda kv: kv[1][1])
    figures = {"model": candidates["model"][1], **maes}
    if label != "model":
        figures[label] = mae
    if mae >= maes[best] * (1 - TOLERANCE):
        return GroupChoice(best, best, 0.0, int(at.sum()), figures)
    return GroupChoice("model" if weight == 1.0 else "blend", best, weight, int(at.sum()), figures)
