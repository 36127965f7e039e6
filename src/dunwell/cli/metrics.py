"""`dunwell metrics` and `dunwell aging`: the book's figures as of any date."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import typer
from rich.table import Table

from dunwell.access.users import active_readers
from dunwell.cli.options import JSON
from dunwell.cli.runtime import (
    console,
    open_reader,
    open_runtime,
    parse_day,
    print_json,
    transaction,
    user_errors,
)
from dunwell.core.access import Principal
from dunwell.core.aging import BUCKET_NAMES
from dunwell.core.documents import GroupDimension
from dunwell.core.metrics import ARMetrics, format_amount, metrics_to_dict
from dunwell.reporting.dashboard import build_dashboard
from dunwell.reporting.service import MetricsReport, default_day, metrics_as_of
from dunwell.segments.service import worsened_recently

RATIO_LABELS = (
    "DSO",
    "DSO (countback)",
    "Best possible DSO",
    "ADD",
    "CEI %",
    "% current",
    "Avg days to pay",
    "Avg days late",
    "Bad debt %",
)
BUCKET_LABELS = {
    "current": "Current",
    "d1_30": "1-30",
    "d31_60": "31-60",
    "d61_90": "61-90",
    "d91_plus": "91+",
}

AS_OF = typer.Option(..., "--as-of", help="Compute as the book stood at the end of this day (YYYY-MM-DD).")
PERIOD = typer.Option(90, "--period-days", min=1, help="Length of the period ending on the as-of date.")
BY = typer.Option(None, "--by", help="Break down by entity, customer, segment or collector.")
CURRENCY = typer.Option(None, "--currency", help="Report currency (needed when the book has several).")


def _report(as_of: str, period_days: int, by: GroupDimension | None, currency: str | None) -> MetricsReport:
    day = parse_day(as_of, option="--as-of")
    runtime = open_reader()
    with transaction(runtime) as session:
        return metrics_as_of(session, as_of=day, period_days=period_days, by=by, currency=currency)


def _payload(report: MetricsReport) -> dict[str, object]:
    payload = metrics_to_dict(report.overall)
    if report.by is not None:
        payload["by"] = report.by.value
        payload["groups"] = {key: metrics_to_dict(m) for key, m in report.groups.items()}
    return payload


def metrics_command(
    as_of: str = AS_OF,
    period_days: int = PERIOD,
    by: GroupDimension | None = BY,
    currency: str | None = CURRENCY,
    as_json: JSON = False,
) -> None:
    """AR metrics (DSO, countback DSO, BPDSO, ADD, CEI, % current, days to pay, bad debt) as of a date
    (reads only).

    JSON: {"as_of", "period_days", "currency", "document_count", "total_ar", "current_ar", "aging",
    "credit_sales", "dso", "dso_countback", "bpdso", "add", "pct_current", "cei", "avg_days_to_pay",
    "avg_days_late", "bad_debt_ratio"}; with --by also {"by", "groups"}, each group the same figures.
    """
    with user_errors():
        report = _report(as_of, period_days, by, currency)
    if as_json:
        print_json(_payload(report))
        return
    overall = report.overall
    summary = Table(title=f"AR metrics as of {overall.as_of}, {period_days}-day period ({overall.currency})")
    summary.add_column("Metric")
    summary.add_column("Value", justify="right")
    summary.add_row("Total AR", _amount(overall.total_ar))
    summary.add_row("Current AR", _amount(overall.current_ar))
    summary.add_row("Credit sales in period", _amount(overall.credit_sales))
    for label, value in zip(RATIO_LABELS, _ratios(overall), strict=True):
        summary.add_row(label, _num(value))
    console.print(summary)
    if report.groups:
        table = Table(title=f"By {report.by}")
        for column in ("", "Total AR", *RATIO_LABELS):
            table.add_column(column, justify="left" if not column else "right")
        for key, m in report.groups.items():
            table.add_row(key, _amount(m.total_ar), *(_num(x) for x in _ratios(m)))
        console.print(table)


def aging_command(
    as_of: str = AS_OF,
    by: GroupDimension | None = BY,
    currency: str | None = CURRENCY,
    as_json: JSON = False,
) -> None:
    """Open AR by days past due (current, 1-30, 31-60, 61-90, 91+) as of a date (reads only).

    JSON: {"as_of", "currency", "total_ar", "aging", "document_count"}; with --by also {"by",
    "groups"}, each group the same figures.
    """
    with user_errors():
        report = _report(as_of, 90, by, currency)
    if as_json:
        payload = _aging_dict(report.overall)
        if report.by is not None:
            payload["by"] = report.by.value
            payload["groups"] = {key: _aging_dict(m) for key, m in report.groups.items()}
        print_json(payload)
        return
    rows = [("(all)", report.overall), *report.groups.items()]
    table = Table(title=f"Aging as of {report.overall.as_of} ({report.overall.currency})")
    table.add_column("")
    for name in BUCKET_NAMES:
        table.add_column(BUCKET_LABELS[name], justify="right")
    table.add_column("Total", justify="right")
    table.add_column("Items", justify="right")
    for key, m in rows:
        buckets = m.aging.as_dict()
        table.add_row(
            key,
            *(_amount(buckets[name]) for name in BUCKET_NAMES),
            _amount(m.total_ar),
            str(m.document_count),
        )
    overall = report.overall.aging.as_dict()
    total = report.overall.total_ar
    if total:
        table.add_row("% of total", *(f"{overall[n] / total * 100:.1f}%" for n in BUCKET_NAMES), "100.0%", "")
    console.print(table)


def _aging_dict(m: ARMetrics) -> dict[str, object]:
    return {
        "as_of": m.as_of.isoformat(),
        "currency": m.currency,
        "total_ar": format_amount(m.total_ar, m.currency),
        "aging": {name: format_amount(value, m.currency) for name, value in m.aging.as_dict().items()},
        "document_count": m.document_count,
    }


def _ratios(m: ARMetrics) -> tuple[Decimal | None, ...]:
    return (
        m.dso,
        m.dso_countback,
        m.bpdso,
        m.add,
        m.cei,
        m.pct_current,
        m.avg_days_to_pay,
        m.avg_days_late,
        m.bad_debt_ratio,
    )


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def _num(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def refresh_reports_command(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: the book's last day)."),
    as_json: JSON = False,
) -> None:
    """Compute the dashboard's figures now (the whole book in each currency, each active collector's
    portfolio, and the segment alerts), so the first reader after the night's imports and cash
    application does not wait for them (they are then kept until the book changes).

    JSON: {"as_of", "computed": [{"scope", "currency", "seconds"}], "seconds"}.
    """
    started = time.perf_counter()
    computed: list[dict[str, Any]] = []
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            day = parse_day(as_of, option="--as-of") if as_of else default_day(session)
            for reader in [Principal.operator("refresh-reports"), *active_readers(session)]:
                if reader.portfolio is None and computed:
                    continue  # the whole book is done once, whoever else sees it
                scope = "book" if reader.portfolio is None else reader.actor
                # The page as first opened (its default currency), then each currency by name.
                asked = [None, *build_dashboard(session, reader, as_of=day, with_model=False).currencies]
                for currency in asked:
                    board = build_dashboard(
                        session,
                        reader,
                        as_of=day,
                        currency=currency,
                        with_model=False,
                        stale_for=timedelta(0),
                    )
                    computed.append(
                        {
                            "scope": scope,
                            "currency": currency or "(default)",
                            "seconds": round(board.compute_seconds, 3),
                        }
                    )
            # The dashboard's segment alerts: computed for the whole book once, shared by all.
            alerts = worsened_recently(
                session, Principal.operator("refresh-reports"), as_of=day, stale_for=timedelta(0)
            )
            computed.append(
                {"scope": "segment alerts", "currency": "(all)", "seconds": round(alerts.compute_seconds, 3)}
            )
    summary = {
        "as_of": day.isoformat(),
        "computed": computed,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if as_json:
        print_json(summary)
        return
    console.print(f"{len(computed)} dashboard(s) as of {day} ready in {summary['seconds']} s")
