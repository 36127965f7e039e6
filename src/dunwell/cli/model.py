"""`dunwell model train|score|list|monitor`: the payment predictor on the stored book."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.progress import progress_bar
from dunwell.cli.runtime import (
    console,
    open_reader,
    open_runtime,
    parse_day,
    print_json,
    transaction,
    user_errors,
)
from dunwell.prediction.monitoring import Thresholds, monitor_model
from dunwell.prediction.repository import ModelRepository
from dunwell.prediction.service import score_book, train_model

app = typer.Typer(help="Train, score with, list and monitor payment prediction models.", no_args_is_help=True)

AS_OF = Annotated[str, typer.Option("--as-of", help="The day (YYYY-MM-DD) whose end the book is taken at.")]
VERSION = Annotated[int | None, typer.Option("--version", help="Model version (default: the newest).")]


@app.command("train")
def train_command(
    as_of: AS_OF,
    holdout_days: Annotated[
        int, typer.Option("--holdout-days", min=0, help="Check the model on the last N days first (0: skip).")
    ] = 90,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    *,
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Train on everything known at the end of --as-of and register the model.

    JSON: {"version", "known_until", "window_start", "training_invoices", "metrics"}.
    """
    day = parse_day(as_of, option="--as-of")
    with user_errors(), progress_bar(f"training a model on the book as of {day}", quiet=as_json) as bar:
        runtime = open_runtime()
        with transaction(runtime) as session:
            result = train_model(
                session, as_of=day, holdout_days=holdout_days or None, random_state=seed, actor=by,
                progress=bar,
            )  # fmt: skip
    payload = {
        "version": result.version,
        "known_until": result.known_until.isoformat(),
        "window_start": result.window_start.isoformat(),
        "training_invoices": result.training_invoices,
        "metrics": result.metrics,
    }
    if as_json:
        print_json(payload)
        return
    console.print(
        f"Trained model v{result.version} on {result.training_invoices:,} invoices "
        f"({payload['window_start']} to {payload['known_until']})."
    )
    metrics = result.metrics
    if "mae_days" in metrics:
        best = min(metrics["baselines"].items(), key=lambda kv: kv[1]["mae_days"])
        console.print(
            f"Holdout from {metrics['cutoff']}: {metrics['n_test']:,} invoices, "
            f"MAE {metrics['mae_days']} days (best baseline {best[0]} {best[1]['mae_days']}), "
            f"within ±5 days {metrics['within_5_days']:.0%}, "
            f"P10–P90 coverage {metrics['coverage_p10_p90']:.0%}, AUC late {metrics['auc_late']}."
        )
        holdout = metrics["holdout"]
        console.print(
            f"Holdout invoices issued {holdout['issued_from']} to {holdout['issued_to']}; "
            f"{holdout['share_still_open']:.0%} of them still open on {holdout['outcomes_known_until']} "
            "(not tested)."
        )
    elif metrics.get("holdout_skipped"):
        console.print(f"Holdout skipped: {metrics.get('holdout_skipped')}")
    console.print(f"P50 chosen per customer history: {chosen_summary(metrics.get('chosen'))}")


@app.command("score")
def score_command(as_of: AS_OF, by: ACTOR, version: VERSION = None, as_json: JSON = False) -> None:
    """Predict every invoice open at the end of --as-of and store the predictions.

    JSON: {"version", "as_of", "invoices_scored", "mean_risk_late", "expected_paid_within_30_days"}.
    """
    day = parse_day(as_of, option="--as-of")
    with user_errors(), progress_bar(f"scoring the open invoices as of {day}", quiet=as_json) as bar:
        runtime = open_runtime()
        with transaction(runtime) as session:
            result = score_book(session, as_of=day, version=version, actor=by, progress=bar)
    payload = {
        "version": result.version,
        "as_of": result.as_of.isoformat(),
        "invoices_scored": result.invoices,
        "mean_risk_late": result.mean_risk_late,
        "expected_paid_within_30_days": result.expected_within_30_days,
    }
    if as_json:
        print_json(payload)
        return
    console.print(
        f"Model v{result.version} scored {result.invoices:,} open invoices as of {payload['as_of']}; "
        f"{result.expected_within_30_days:,} are expected to be paid within 30 days."
    )


@app.command("list")
def list_command(as_json: JSON = False) -> None:
    """Every registered model, newest first (reads only).

    JSON: a list, newest first, of {"version", "trained_at", "window_start", "known_until",
    "training_invoices", "features", "params", "metrics", "chosen", "scoring_runs", "last_scored"}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            models = ModelRepository(session).summaries()
    payload = [_summary(m) for m in models]
    if as_json:
        print_json(payload)
        return
    if not payload:
        console.print("No model yet: run `dunwell model train --as-of DATE`.")
        return
    table = Table(
        "version",
        "trained at",
        "window",
        "invoices",
        "holdout MAE",
        "vs baseline",
        "AUC late",
        "chosen (P50 by history)",
        "scoring runs",
        "last scored",
    )
    for m in payload:
        metrics = m["metrics"]
        table.add_row(
            f"v{m['version']}",
            m["trained_at"][:19],
            f"{m['window_start']} to {m['known_until']}",
            f"{m['training_invoices']:,}",
            _cell(metrics.get("mae_days")),
            _cell(metrics.get("mae_vs_best_baseline")),
            _cell(metrics.get("auc_late")),
            chosen_summary(metrics.get("chosen")),
            str(m["scoring_runs"]),
            m["last_scored"] or "-",
        )
    console.print(table)


@app.command("monitor")
def monitor_command(
    version: VERSION = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only outcomes known by this day.")] = None,
    min_within_5: Annotated[
        float, typer.Option("--min-within-5", min=0, max=1, help="Retrain below this share within ±5 days.")
    ] = 0.75,
    max_psi: Annotated[float, typer.Option("--max-psi", min=0, help="Retrain above this PSI.")] = 0.2,
    as_json: JSON = False,
) -> None:
    """Accuracy by month, calibration and drift of a model; says when to retrain (reads only).

    JSON: {"model", "as_of", "months", "calibration_late", "drift", "thresholds", "retrain",
    "retrain_reasons"}.
    """
    day = parse_day(as_of, option="--as-of") if as_of else None
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            report = monitor_model(
                session,
                version=version,
                as_of=day,
                thresholds=Thresholds(min_within_5=min_within_5, max_psi=max_psi),
            )
    if as_json:
        print_json(report)
        return
    console.print(f"Model v{report['model']['version']} (trained to {report['model']['known_until']})")
    table = Table("month", "predicted", "resolved", "MAE days", "within ±5", "P10–P90 coverage", "AUC late")
    for m in report["months"]:
        table.add_row(
            m["month"],
            str(m["predicted"]),
            f"{m['resolved_share']:.0%}",
            _cell(m.get("mae_days")),
            _cell(m.get("within_5_days")),
            _cell(m.get("coverage_p10_p90")),
            _cell(m.get("auc_late")),
        )
    console.print(table)
    console.print(
        f"Calibration of P(late): ECE {_cell(report['calibration_late']['expected_calibration_error'])}"
    )
    drift = report["drift"]
    if drift["scored_as_of"]:
        top = ", ".join(f"{n} {v:.2f}" for n, v in list(drift["inputs"].items())[:5])
        scores = ", ".join(f"{n} {_cell(v)}" for n, v in drift["scores"].items())
        console.print(f"Drift at {drift['scored_as_of']} (PSI): scores {scores}; largest inputs {top}")
    if report["retrain"]:
        console.print("[bold yellow]Retrain recommended:[/] " + "; ".join(report["retrain_reasons"]))
    else:
        console.print("No retraining needed.")


def chosen_summary(chosen: dict[str, Any] | None) -> str:
    """One line per model: which predictor each customer-history group (and overdue items) use."""
    if not chosen:
        return "model (no validation)"
    parts = [f"{name}: {_predictor(g)}" for name, g in chosen["groups"].items()]
    if chosen.get("overdue"):
        parts.append(f"overdue: {_predictor(chosen['overdue'])}")
    return "; ".join(parts)


def _predictor(group: dict[str, Any]) -> str:
    if group["predictor"] == "blend":
        return f"{group['model_weight']:g} model + {1 - group['model_weight']:g} {group['naive']}"
    return str(group["predictor"])


def _summary(m: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": m["version"],
        "trained_at": m["trained_at"].isoformat(),
        "window_start": m["window_start"].isoformat(),
        "known_until": m["known_until"].isoformat(),
        "training_invoices": m["training_invoices"],
        "features": len(m["feature_schema"]),
        "params": m["params"],
        "metrics": m["metrics"],
        "chosen": m["metrics"].get("chosen"),
        "scoring_runs": m["runs"] or 0,
        "last_scored": m["last"].isoformat() if m["last"] else None,
    }


def _cell(value: object) -> str:
    return "-" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
