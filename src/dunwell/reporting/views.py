"""The dashboard as the page shows it: figure cards, the aging table, the trend's series (the web
layer draws them; charts live there), the model card. The page is served at ``/`` by the web
routes, which call ``dashboard_context`` and draw the series."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.aging import BUCKET_NAMES
from dunwell.core.metrics import ARMetrics
from dunwell.core.money import decimal_to_minor
from dunwell.prediction.registry_view import NO_MODEL
from dunwell.reporting.dashboard import PERIOD_DAYS, Dashboard, build_dashboard, quality_card
from dunwell.reporting.service import default_day
from dunwell.segments.service import ALERT_DAYS, FIGURE_LABELS, SEGMENT_LABELS, worsened_recently

BUCKET_LABELS = {
    "current": "Current (not yet due)",
    "d1_30": "1–30 days past due",
    "d31_60": "31–60 days past due",
    "d61_90": "61–90 days past due",
    "d91_plus": "91+ days past due",
}
QUALITY_LABELS = {
    "no_contact": "No contact with an email address or a phone number",
    "no_consent": "No contact consents to any channel",
    "no_terms": "No payment terms",
    "dates_out_of_order": "Documents paid or cleared before they were issued",
    "duplicate_name": "Likely the same company as another customer",
    "shared_bank_account": "Pays from a bank account another customer uses",
}
#: (label, ARMetrics field, unit, what it means) of each figure card, in reading order.
FIGURES = (
    ("DSO", "dso", "days", f"Total AR × {PERIOD_DAYS} ÷ credit sales of the last {PERIOD_DAYS} days"),
    ("DSO (countback)", "dso_countback", "days", "Days of the latest sales that make up the open AR"),
    ("Best possible DSO", "bpdso", "days", "DSO of the current (not yet due) part alone"),
    ("Average days delinquent", "add", "days", "DSO − best possible DSO"),
    ("CEI", "cei", "%", f"Collection effectiveness over the last {PERIOD_DAYS} days"),
    ("Current", "pct_current", "%", "Share of open AR not yet due"),
)


def dashboard_context(
    session: Session,
    principal: Principal,
    *,
    as_of: date | None,
    currency: str | None,
    entity: str | None,
    locale: str,
) -> dict[str, Any]:
    board = build_dashboard(
        session, principal, as_of=as_of or default_day(session), currency=currency, entity=entity
    )
    return {
        "board": board,
        "figures": _figures(board.metrics),
        "total_ar_minor": _minor(board.metrics.total_ar, board) if board.metrics else None,
        "aging": _aging(board),
        "trend_labels": [format_date(m.as_of, "MMM yy", locale=locale) for m in board.trend],
        "trend_days": [
            (label, [getattr(m, field) for m in board.trend])
            for label, field in (
                ("DSO", "dso"),
                ("Countback", "dso_countback"),
                ("BPDSO", "bpdso"),
                ("ADD", "add"),
            )
        ],
        "trend_percent": [
            (label, [getattr(m, field) for m in board.trend])
            for label, field in (("CEI", "cei"), ("% current", "pct_current"))
        ],
        "no_model": NO_MODEL,
        "quality": quality_card(session, principal).value,
        "reasons": QUALITY_LABELS,
        "segment_alerts": worsened_recently(session, principal, as_of=board.as_of).value,
        "segment_labels": SEGMENT_LABELS,
        "figure_labels": FIGURE_LABELS,
        "alert_days": ALERT_DAYS,
    }


def _figures(metrics: ARMetrics | None) -> list[dict[str, Any]]:
    if metrics is None:
        return []
    return [
        {"label": label, "value": getattr(metrics, field), "unit": unit, "help": help_}
        for label, field, unit, help_ in FIGURES
    ]


def _aging(board: Dashboard) -> list[dict[str, Any]]:
    if board.metrics is None:
        return []
    total = board.metrics.total_ar
    buckets = board.metrics.aging.as_dict()
    return [
        {
            "name": name,
            "label": BUCKET_LABELS[name],
            "minor": _minor(buckets[name], board),
            "share": (buckets[name] * 100 / total).quantize(Decimal("0.1")) if total else None,
        }
        for name in BUCKET_NAMES
    ]


def _minor(value: Decimal, board: Dashboard) -> int:
    return decimal_to_minor(value, board.currency or "")  # figures exist only in a chosen currency
