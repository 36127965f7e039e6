"""A deployment learns its own confidence: the shipped model refitted on its own decisions.

Outcomes come from the append-only audit log, so nothing a person decided is ever lost to a
re-run: a confirmed candidate was right (and the top one a person passed over, wrong), a
rejected one wrong, and an automatic application nobody rejected is taken as right. The refit
pulls every coefficient towards the shipped model's (``confidence_fit.fit(anchor=...)``), so a
few hundred decisions move only what they say something about; the threshold is then set on the
deployment's own outcomes (Wilson lower bound at 99.5 %, and 1 % bands), and the model is
activated only when those outcomes can hold that precision at all. ``dunwell cashapp
calibration`` shows the model in use; ``dunwell cashapp recalibrate`` refits it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from dunwell.cashapp.confidence_repository import ConfidenceRepository
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.kit import audit
from dunwell.matching.confidence import ConfidenceModel, shipped_model
from dunwell.matching.confidence_fit import NEVER, Outcome, fit
from dunwell.matching.records import Evidence
from dunwell.orm.cashapp import CashConfidenceModel

#: Fewer decisions than this say too little about a whole model.
MIN_OUTCOMES = 300


@dataclass(frozen=True, slots=True)
class ModelInUse:
    model: ConfidenceModel
    source: str  # "shipped" or "deployment"
    version: int | None = None  # the deployment model's id
    outcomes: int | None = None
    wrong: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.version,
            "auto_threshold": self.model.auto_threshold,
            "fitted_on": dict(self.model.fitted_on),
            "outcomes": self.outcomes,
            "wrong": self.wrong,
            "intercept": self.model.intercept,
            "coefficients": dict(sorted(self.model.coefficients.items())),
        }


@dataclass(frozen=True, slots=True)
class Recalibration:
    activated: bool
    outcomes: int
    wrong: int
    reason: str
    in_use: ModelInUse

    def to_dict(self) -> dict[str, Any]:
        return {
            "activated": self.activated,
            "outcomes": self.outcomes,
            "wrong": self.wrong,
            "reason": self.reason,
            "in_use": self.in_use.to_dict(),
        }


def model_in_use(session: Session) -> ModelInUse:
    row = ConfidenceRepository(session).active_model()
    if row is None:
        return ModelInUse(shipped_model(), "shipped")
    try:
        model = ConfidenceModel.from_json(row.model)
    except (KeyError, TypeError, ValueError) as exc:
        raise DunwellError(
            f"the deployment's confidence model {row.id} cannot be read by this version ({exc}); "
            "run `dunwell cashapp recalibrate` or `dunwell cashapp recalibrate --reset`",
            code="confidence_model_incompatible",
            kind=ErrorKind.CONFLICT,
        ) from exc
    return ModelInUse(model, "deployment", row.id, row.outcomes, row.wrong)


def decided_outcomes(session: Session) -> list[Outcome]:
    """Every decision the audit log holds, as (evidence, right) outcomes."""
    return outcomes_of(ConfidenceRepository(session).decisions())


def outcomes_of(entries: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[Outcome]:
    decided: list[Outcome] = []
    provisional: dict[str, Outcome] = {}  # payment id -> an automatic application nobody undid
    for action, subject_id, details in entries:
        if action == "cashapp.auto_applied":
            provisional[subject_id] = Outcome(_evidence(details.get("evidence")), True, "auto")
            continue
        payment = str(details.get("payment_id"))
        provisional.pop(payment, None)
        if action == "cashapp.confirmed":
            decided.append(Outcome(_evidence(details.get("evidence")), True, "confirmed"))
            if details.get("passed_over_evidence"):
                decided.append(Outcome(_evidence(details["passed_over_evidence"]), False, "passed_over"))
        elif details.get("evidence"):
            decided.append(Outcome(_evidence(details["evidence"]), False, "rejected"))
    return [o for o in [*decided, *provisional.values()] if o.evidence]


def recalibrate(
    session: Session, *, actor: str, min_outcomes: int = MIN_OUTCOMES, reset: bool = False
) -> Recalibration:
    """Refit on the deployment's decisions and activate the result if it can hold the precision;
    ``reset`` goes back to the shipped model."""
    repo = ConfidenceRepository(session)
    if reset:
        repo.deactivate_all()
        audit.record(session, actor=actor, action="cashapp.calibration_reset", subject_type="cash_confidence",
                     subject_id="shipped", details={})  # fmt: skip
        return Recalibration(False, 0, 0, "back to the shipped model", ModelInUse(shipped_model(), "shipped"))
    outcomes = decided_outcomes(session)
    wrong = sum(not o.right for o in outcomes)
    current = model_in_use(session)
    if len(outcomes) < min_outcomes:
        reason = f"{len(outcomes)} decisions so far; at least {min_outcomes} are needed"
        return Recalibration(False, len(outcomes), wrong, reason, current)
    fitted_on = {"deployment_decisions": len(outcomes), "wrong": wrong, "anchored_on": "shipped model"}
    # One group: the kinds of decision are not families to weigh equally.
    model = fit(
        [replace(o, group="deployment") for o in outcomes], fitted_on=fitted_on, anchor=shipped_model()
    )
    if model.auto_threshold >= NEVER:
        reason = (
            f"{len(outcomes) - wrong} right of {len(outcomes)}: not enough to hold 99.5 % precision "
            "at any confidence; the model in use is kept"
        )
        return Recalibration(False, len(outcomes), wrong, reason, current)
    repo.deactivate_all()
    row = repo.add_model(
        CashConfidenceModel(
            fitted_by=actor, model=model.to_json(), outcomes=len(outcomes), wrong=wrong, active=True
        )
    )
    audit.record(
        session,
        actor=actor,
        action="cashapp.recalibrated",
        subject_type="cash_confidence",
        subject_id=row.id,
        details={"outcomes": len(outcomes), "wrong": wrong, "auto_threshold": model.auto_threshold},
    )
    in_use = ModelInUse(model, "deployment", row.id, len(outcomes), wrong)
    return Recalibration(True, len(outcomes), wrong, "fitted on the deployment's decisions", in_use)


def _evidence(items: Any) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(str(i["signal"]), str(i.get("detail", "")), float(i["weight"])) for i in items or ()
    )
