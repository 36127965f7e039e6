"""Reasons a collector can read: the top drivers of a prediction, in words, from the model's own
per-feature contributions (LightGBM's TreeSHAP, ``pred_contrib``).

Each reason names the fact (the feature's value, in the customer's terms) and how many days it
moved the predicted payment date: "usually pays 12 days late (+9 days)".

A shown P50 is more than the trees' sum (a calibration shift, a naive rule blended in by the
model-or-baseline choice, the condition that an overdue invoice is still unpaid, whole days), so
``explain_p50`` ends each list with a line that adds the three reasons up to the P50 shown and
says what the rest is. ``explain_risk`` gives P(late)'s three drivers, in the same words.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

TOP = 3
_SILENT = frozenset({"staleness"})  # technical, not a fact about the customer
_WEEKDAYS = tuple(calendar.day_name)


def _days(value: float, late: str, early: str, on_time: str) -> str:
    if value >= 0.5:
        return late.format(n=round(value))
    if value <= -0.5:
        return early.format(n=round(-value))
    return on_time


def _shift(v: float) -> str:
    return f"{v:.0f} days later than usual" if v >= 0 else f"{-v:.0f} days earlier than usual"


def _money(log_value: float) -> str:
    return f"{math.expm1(log_value):,.0f}"


def _share(value: float, what: str) -> str:
    return f"{value:.0%} of past invoices {what}"


def _ratio(value: float) -> str:
    if value >= 1.5:
        return (
            f"{value:.0f}× larger than their usual invoice"
            if value >= 2.5
            else f"{value:.1f}× their usual invoice"
        )
    if value <= 0.67:
        return "smaller than their usual invoice"
    return "about their usual invoice size"


_PHRASES: dict[str, Callable[[float], str]] = {
    "cust_paid_count": lambda v: "no payment history yet" if v == 0 else f"{v:.0f} past payments on record",
    "cust_mean_delay": lambda v: _days(
        v, "usually pays {n} days late", "usually pays {n} days early", "usually pays on the due date"
    ),
    "cust_median_delay": lambda v: _days(
        v, "typically pays {n} days late", "typically pays {n} days early", "typically pays on the due date"
    ),
    "cust_delay_sd": lambda v: f"payment timing varies by about ±{v:.0f} days",
    "cust_trend": lambda v: _days(
        v, "paying {n} days later lately", "paying {n} days sooner lately", "paying as usual lately"
    ),
    "cust_share_late": lambda v: _share(v, "paid late"),
    "cust_share_late15": lambda v: _share(v, "paid over 15 days late"),
    "cust_share_late30": lambda v: _share(v, "paid over 30 days late"),
    "cust_last_delay": lambda v: _days(
        v, "last payment came {n} days late", "last payment came {n} days early", "last payment came on time"
    ),
    "cust_days_since_payment": lambda v: f"no payment received for {v:.0f} days",
    "cust_share_disputed": lambda v: _share(v, "disputed"),
    "cust_shrunk_delay": lambda v: _days(
        v, "pays about {n} days late", "pays about {n} days early", "pays about on the due date"
    ),
    "cust_channel_delay": lambda v: _days(
        v,
        "pays invoices sent this way {n} days late",
        "pays invoices sent this way {n} days early",
        "pays invoices sent this way on time",
    ),
    "cust_channel_count": lambda v: f"{v:.0f} past payments of invoices sent this way",
    "cust_habit_delay": lambda v: _days(
        v,
        "their payment habit (run, trend) puts it {n} days late",
        "their payment habit (run, trend) puts it {n} days early",
        "their payment habit (run, trend) puts it on the due date",
    ),
    "cust_run_day_share": lambda v: f"{v:.0%} of their payments leave on the same weekday",
    "days_due_to_run_day": lambda v: (
        "due on their usual payment day"
        if v == 0
        else f"their usual payment day comes {v:.0f} days after the due date"
    ),
    "cust_month_end_share": lambda v: f"{v:.0%} of their payments come at month end",
    "days_due_to_month_end": lambda v: f"due {v:.0f} days before month end",
    "run_week_shift": lambda v: f"their weekly payment run moves it {_shift(v)}",
    "run_month_shift": lambda v: f"their month-end payment run moves it {_shift(v)}",
    "cust_quarter_end_excess": lambda v: (
        f"pays {abs(v):.0f} days {'later' if v >= 0 else 'earlier'} at quarter end"
    ),
    "quarter_end_shift": lambda v: f"due at quarter end, when they pay {_shift(v)}",
    "due_quarter_end": lambda v: "due in a quarter-end month" if v else "not due at quarter end",
    "open_count": lambda v: f"{v:.0f} other open invoices",
    "open_amount": lambda v: f"{_money(v)} open on other invoices",
    "overdue_amount": lambda v: f"{_money(v)} overdue on other invoices" if v > 0 else "nothing else overdue",
    "oldest_overdue_days": lambda v: (
        f"oldest overdue invoice {v:.0f} days past due" if v else "nothing else overdue"
    ),
    "open_disputes": lambda v: f"{v:.0f} open dispute{'s' if v != 1 else ''}",
    "log_amount": lambda v: f"an invoice of {_money(v)}",
    "amount_ratio": _ratio,
    "terms_days": lambda v: f"{v:.0f}-day terms",
    "issue_weekday": lambda v: f"issued on a {_WEEKDAYS[int(v)]}",
    "issue_day": lambda v: f"issued on day {v:.0f} of the month",
    "due_weekday": lambda v: f"due on a {_WEEKDAYS[int(v)]}",
    "due_month_end": lambda v: "due at month end" if v else "due before month end",
    "due_month": lambda v: f"due in {calendar.month_name[int(v)]}",
    "days_past_due": lambda v: _days(v, "already {n} days past due", "due in {n} days", "due today"),
    "touches_30d": lambda v: (
        "not contacted in the last 30 days" if v == 0 else f"contacted {v:.0f} times in the last 30 days"
    ),
    "promises_outstanding": lambda v: (
        "no promise to pay outstanding"
        if v == 0
        else f"{v:.0f} promise{'s' if v != 1 else ''} to pay outstanding"
    ),
    "days_to_promise": lambda v: _days(
        v, "promised to pay in {n} days", "last promise to pay was due {n} days ago", "promised to pay today"
    ),
    "promises_broken": lambda v: f"{v:.0f} broken promise{'s' if v != 1 else ''} to pay",
}


def reasons(X: pd.DataFrame, contributions: np.ndarray, *, top: int = TOP) -> list[list[str]]:
    """For each row, the ``top`` features that moved its prediction most, as phrases."""
    names = list(X.columns)
    usable = np.array([name not in _SILENT for name in names] + [False])  # last column: base value
    strength = np.where(usable[None, :], np.abs(contributions), -1.0)
    strongest = np.argsort(-strength, axis=1)[:, :top]
    values = {name: X[name].to_numpy() for name in names}
    result = []
    for row, picks in enumerate(strongest):
        phrases = []
        for column in picks:
            if strength[row, column] < 0.05:  # under an hour of effect: not a reason
                continue
            name = names[column]
            phrases.append(f"{_describe(name, values[name][row])} ({contributions[row, column]:+.0f} days)")
        result.append(phrases)
    return result


def explain_p50(
    X: pd.DataFrame,
    contributions: np.ndarray,
    *,
    shown: np.ndarray,
    model_weight: np.ndarray,
    conditioned: np.ndarray,
    top: int = TOP,
) -> list[list[str]]:
    """The P50's ``top`` drivers in days, then how they add up to the ``shown`` P50 (days late).

    ``contributions`` are the model's (last column: the base value); the model counts for
    ``model_weight`` of each P50, so its drivers are scaled by it. Every figure is rounded first,
    so the line's terms add up exactly to the P50 shown.
    """
    scaled = contributions * np.asarray(model_weight, dtype=np.float64)[:, None]
    names = list(X.columns)
    usable = np.array([name not in _SILENT for name in names] + [False])
    strength = np.where(usable[None, :], np.abs(scaled), -1.0)
    strongest = np.argsort(-strength, axis=1)[:, :top]
    values = {name: X[name].to_numpy() for name in names}
    result = []
    for row, picks in enumerate(strongest):
        phrases, covered = [], 0
        for column in picks:
            days = round(float(scaled[row, column]))
            if strength[row, column] < 0.5:  # under half a day: not a reason
                continue
            name = names[column]
            phrases.append(f"{_describe(name, values[name][row])} ({days:+d} days)")
            covered += days
        base = round(float(scaled[row, -1]))
        others = round(float(scaled[row, :-1].sum() - scaled[row, picks].sum()))
        total = int(shown[row])
        rest = total - covered - base - others
        why = ["calibration", "whole days"]
        if model_weight[row] < 1:
            why.insert(0, f"a naive rule at {1 - float(model_weight[row]):.0%} weight")
        if conditioned[row]:
            why.insert(0, "still unpaid at its age")
        phrases.append(
            f"P50 {_late(total)} = these reasons {covered:+d} + the book's usual {base:+d} "
            f"+ other factors {others:+d} + not from the model's drivers {rest:+d} ({', '.join(why)})"
        )
        result.append(phrases)
    return result


def explain_risk(X: pd.DataFrame, contributions: np.ndarray, *, top: int = TOP) -> list[list[str]]:
    """P(late)'s ``top`` drivers, from its classifier's log-odds contributions."""
    names = list(X.columns)
    usable = np.array([name not in _SILENT for name in names] + [False])
    strength = np.where(usable[None, :], np.abs(contributions), -1.0)
    strongest = np.argsort(-strength, axis=1)[:, :top]
    values = {name: X[name].to_numpy() for name in names}
    result = []
    for row, picks in enumerate(strongest):
        phrases = []
        for column in picks:
            value = float(contributions[row, column])
            if abs(value) < 0.01:
                continue
            effect = "raises" if value > 0 else "lowers"
            name = names[column]
            phrases.append(f"{_describe(name, values[name][row])} ({effect} the risk, {value:+.2f} log-odds)")
        result.append(phrases)
    return result


def _late(days: int) -> str:
    if days > 0:
        return f"{days} days late"
    return f"{-days} days early" if days < 0 else "on the due date"


def _describe(name: str, value: object) -> str:
    if name in ("currency", "entity", "delivery"):
        return {"currency": f"billed in {value}", "entity": f"billed by entity {value}"}.get(
            name, f"sent by {value or 'an unknown channel'}"
        )
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return {
            "cust_mean_delay": "no payment history yet",
            "amount_ratio": "first invoice to this customer",
            "days_to_promise": "no promise to pay on record",
        }.get(name, f"{name.replace('_', ' ')} unknown")
    return _PHRASES[name](number)
