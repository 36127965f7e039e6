"""`dunwell cashapp calibration` and `recalibrate`: the confidence model in use, and refitting it
on the deployment's own confirmations and rejections."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dunwell.cashapp.calibration import MIN_OUTCOMES, model_in_use, recalibrate
from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import console, open_reader, open_runtime, print_json, transaction, user_errors


def register(app: typer.Typer) -> None:
    app.command("calibration")(calibration_command)
    app.command("recalibrate")(recalibrate_command)


def calibration_command(as_json: JSON = False) -> None:
    """The confidence model in use: shipped or the deployment's own, what it was fitted on, and the
    auto-apply threshold (reads only).

    JSON: {"source", "version", "auto_threshold", "fitted_on", "outcomes", "wrong", "intercept",
    "coefficients"}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            payload = model_in_use(session).to_dict()
    if as_json:
        print_json(payload)
        return
    _show(payload)


def recalibrate_command(
    min_outcomes: Annotated[
        int, typer.Option("--min-outcomes", min=1, help="Decisions needed before refitting.")
    ] = MIN_OUTCOMES,
    reset: Annotated[bool, typer.Option("--reset", help="Go back to the shipped model.")] = False,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Refit the confidence model on this deployment's decisions (confirmed, rejected, and
    automatic applications nobody undid); activated only if it holds 99.5 % precision.

    JSON: {"activated", "outcomes", "wrong", "reason", "in_use"}; "in_use" as `calibration` prints it.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            result = recalibrate(session, actor=by, min_outcomes=min_outcomes, reset=reset).to_dict()
    if as_json:
        print_json(result)
        return
    state = "activated" if result["activated"] else "not activated"
    console.print(
        f"Recalibration {state}: {result['reason']} "
        f"({result['outcomes']} decisions, {result['wrong']} wrong)."
    )
    _show(result["in_use"])


def _show(payload: dict[str, Any]) -> None:
    version = f" v{payload['version']}" if payload["version"] else ""
    console.print(
        f"Confidence model: {payload['source']}{version}; "
        f"auto-apply threshold {payload['auto_threshold']:.2%}"
    )
    fitted = ", ".join(f"{k}={v}" for k, v in payload["fitted_on"].items() if k not in ("groups",))
    console.print(f"Fitted on: {fitted}", highlight=False)
    strongest = sorted(payload["coefficients"].items(), key=lambda kv: -abs(kv[1]))[:8]
    console.print("Strongest signals: " + ", ".join(f"{s} {w:+.2f}" for s, w in strongest), highlight=False)
